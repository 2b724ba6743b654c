package io.muster.agent.lifecycle;

import io.muster.aws.discovery.asg.AsgDiscoveryProvider;
import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import java.util.Optional;

/**
 * A launch hook with {@code asg} discovery of the node's own group needs {@code
 * discovery.asg.include-pending: true}: the hook holds every new instance in {@code Pending:Wait}
 * until it has joined, and without pending instances discovery lists none of them, so the group's
 * first instances never see each other, never form, and are all answered with
 * lifecycle.launch-failure-result at join.timeout (then replaced, and the same again). Refused
 * rather than implied, so that the file says what discovery does.
 */
public final class LaunchHookDiscoveryRule {
  private LaunchHookDiscoveryRule() {}

  /**
   * @throws ConfigException naming lifecycle.launch-hook, discovery.asg.include-pending and the fix
   */
  public static void check(Settings s) {
    if (!s.bool(LifecycleKeys.ENABLED) || !s.isSet(LifecycleKeys.LAUNCH_HOOK)) {
      return;
    }
    if (!"asg".equals(s.optionalString(CoreKeys.DISCOVERY_PROVIDER).orElse("asg"))) {
      return;
    }
    if (s.bool(AsgDiscoveryProvider.INCLUDE_PENDING)) {
      return;
    }
    // Peers from another group (discovery.asg.name) are not held by this group's launch hook.
    Optional<String> discovered = s.optionalString(AsgDiscoveryProvider.NAME);
    Optional<String> own = s.optionalString(CoreKeys.NODE_ASG);
    if (discovered.isPresent() && own.isPresent() && !discovered.equals(own)) {
      return;
    }
    throw ConfigException.invalid(
        LifecycleKeys.LAUNCH_HOOK,
        s.optionalString(LifecycleKeys.LAUNCH_HOOK).orElse(""),
        s.source(LifecycleKeys.LAUNCH_HOOK),
        "a launch hook holds new instances in Pending:Wait until they joined, and asg discovery"
            + " lists only InService instances while discovery.asg.include-pending is false (from "
            + s.source(AsgDiscoveryProvider.INCLUDE_PENDING)
            + "), so the group's new instances never see each other and are answered"
            + " lifecycle.launch-failure-result at join.timeout",
        "Set discovery.asg.include-pending: true (or remove lifecycle.launch-hook)");
  }
}
