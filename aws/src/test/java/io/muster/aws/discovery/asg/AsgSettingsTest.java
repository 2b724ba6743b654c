package io.muster.aws.discovery.asg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.discovery.ec2.InvalidSetting;
import io.muster.config.ConfigException;
import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import java.net.InetAddress;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AsgSettingsTest {
  private static final Supplier<NodeIdentity> NOT_ASKED =
      () -> {
        throw new AssertionError("identity must not be resolved when the group is named");
      };

  private static Supplier<NodeIdentity> inGroup(String group) {
    return () ->
        new NodeIdentity(
            "i-self", InetAddress.getLoopbackAddress(), null, null, null, "eu-west-1", group);
  }

  @Test
  void namedGroupWinsAndIdentityIsNeverResolved() {
    AsgSettings s =
        AsgSettings.from(Settings.empty().with(AsgDiscoveryProvider.NAME, "web-prod"), NOT_ASKED);

    assertThat(s).isEqualTo(new AsgSettings("web-prod", "override", false));
  }

  @Test
  void defaultIsThisInstancesOwnGroup() {
    AsgSettings s = AsgSettings.from(Settings.empty(), inGroup("own"));

    assertThat(s.groupName()).isEqualTo("own");
    assertThat(s.groupSource()).isEqualTo("this instance's own group (node identity)");
    assertThat(s.includePending()).isFalse();
  }

  @Test
  void notInAGroupAndNoNameTellsTheOperatorToSetIt() {
    assertThatThrownBy(() -> AsgSettings.from(Settings.empty(), inGroup(null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "discovery.asg.name is required: this instance is not in an Auto Scaling group")
        .hasMessageContaining("MUSTER_DISCOVERY_ASG_NAME")
        .hasMessageContaining("--asg");
  }

  @Test
  void includePendingIsParsedAndValidated() {
    Settings s =
        Settings.empty()
            .with(AsgDiscoveryProvider.NAME, "web")
            .with(AsgDiscoveryProvider.INCLUDE_PENDING, "yes");
    assertThat(AsgSettings.from(s, NOT_ASKED).includePending()).isTrue();

    assertThatThrownBy(
            () ->
                AsgSettings.from(
                    s.with(AsgDiscoveryProvider.INCLUDE_PENDING, "sometimes"), NOT_ASKED))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "discovery.asg.include-pending='sometimes' (from override): not a boolean. Use true or"
                + " false");
  }

  @Test
  void overlongNameIsRejectedNamingKeyValueAndSource() {
    String name = "g".repeat(256);

    assertThatThrownBy(
            () ->
                AsgSettings.from(Settings.empty().with(AsgDiscoveryProvider.NAME, name), NOT_ASKED))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "discovery.asg.name='" + name + "' (from override): longer than 255");
  }

  @Test
  void recordRejectsBlankNameWhenBuiltInCode() {
    assertThatThrownBy(() -> new AsgSettings(" ", null, false))
        .isInstanceOf(InvalidSetting.class)
        .hasMessageStartingWith("discovery.asg.name=' ': empty group name");
  }

  @Test
  void admittedStates() {
    assertThat(new AsgSettings("g", "x", false).admittedStates()).containsExactly("InService");
    assertThat(new AsgSettings("g", "x", true).admittedStates())
        .containsExactly("InService", "Pending", "Pending:Wait", "Pending:Proceed");
  }
}
