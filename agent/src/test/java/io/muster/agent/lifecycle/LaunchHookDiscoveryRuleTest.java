package io.muster.agent.lifecycle;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.discovery.asg.AsgDiscoveryProvider;
import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import org.junit.jupiter.api.Test;

class LaunchHookDiscoveryRuleTest {
  final Settings launchHook =
      Settings.empty()
          .with(LifecycleKeys.ENABLED, "true")
          .with(LifecycleKeys.LAUNCH_HOOK, "muster-launch");

  @Test
  void aLaunchHookWithTheDefaultAsgDiscoveryNeedsIncludePending() {
    assertThatThrownBy(() -> LaunchHookDiscoveryRule.check(launchHook))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lifecycle.launch-hook='muster-launch'")
        .hasMessageContaining("Pending:Wait")
        .hasMessageContaining("discovery.asg.include-pending is false (from default)")
        .hasMessageContaining("Set discovery.asg.include-pending: true");
  }

  @Test
  void anExplicitFalseIsRefusedToo() {
    Settings s =
        launchHook
            .with(CoreKeys.DISCOVERY_PROVIDER, "asg")
            .with(AsgDiscoveryProvider.INCLUDE_PENDING, "false");
    assertThatThrownBy(() -> LaunchHookDiscoveryRule.check(s))
        .hasMessageContaining("include-pending is false (from override)");
  }

  @Test
  void includePendingMakesItValid() {
    assertThatCode(
            () ->
                LaunchHookDiscoveryRule.check(
                    launchHook.with(AsgDiscoveryProvider.INCLUDE_PENDING, "true")))
        .doesNotThrowAnyException();
  }

  @Test
  void onlyALaunchHookWithAsgDiscoveryOfTheOwnGroupIsConcerned() {
    assertThatCode(
            () ->
                LaunchHookDiscoveryRule.check(
                    launchHook.with(CoreKeys.DISCOVERY_PROVIDER, "static")))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                LaunchHookDiscoveryRule.check(
                    Settings.empty()
                        .with(LifecycleKeys.ENABLED, "true")
                        .with(LifecycleKeys.TERMINATE_HOOK, "drain")))
        .as("a terminate hook holds nobody in Pending:Wait")
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                LaunchHookDiscoveryRule.check(
                    launchHook
                        .with(CoreKeys.NODE_ASG, "workers")
                        .with(AsgDiscoveryProvider.NAME, "managers")))
        .as("peers in another group are InService, not held by this group's hook")
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                LaunchHookDiscoveryRule.check(
                    launchHook
                        .with(CoreKeys.NODE_ASG, "chat")
                        .with(AsgDiscoveryProvider.NAME, "chat")))
        .isInstanceOf(ConfigException.class);
  }
}
