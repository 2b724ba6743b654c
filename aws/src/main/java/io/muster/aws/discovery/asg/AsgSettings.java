package io.muster.aws.discovery.asg;

import io.muster.aws.discovery.ec2.InvalidSetting;
import io.muster.config.ConfigException;
import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Validated settings of the asg provider.
 *
 * @param groupName the Auto Scaling group whose instances are the peers
 * @param groupSource where the name came from, for messages ("flag --asg", "this instance's own
 *     group")
 * @param includePending whether launching instances count as peers too
 */
public record AsgSettings(String groupName, String groupSource, boolean includePending) {

  /** Lifecycle states of a group member that is, or is about to be, serving. */
  static final List<String> IN_SERVICE = List.of("InService");

  /** Still launching; admitted only with include-pending. */
  static final List<String> PENDING = List.of("Pending", "Pending:Wait", "Pending:Proceed");

  static final String OWN_GROUP = "this instance's own group (node identity)";

  public AsgSettings {
    if (groupName == null || groupName.isBlank()) {
      throw new InvalidSetting(
          AsgDiscoveryProvider.NAME,
          String.valueOf(groupName),
          "empty group name",
          "Name the Auto Scaling group whose instances form the cluster");
    }
    if (groupName.length() > 255) {
      throw new InvalidSetting(
          AsgDiscoveryProvider.NAME,
          groupName,
          "longer than 255 characters",
          "Auto Scaling group names have at most 255 characters; check the value");
    }
    if (groupSource == null) {
      groupSource = "code";
    }
  }

  /**
   * Reads and validates the keys. The group defaults to this instance's own, asked of {@code
   * identity} only when {@code discovery.asg.name} is not set.
   */
  public static AsgSettings from(Settings settings, Supplier<NodeIdentity> identity) {
    boolean includePending = settings.bool(AsgDiscoveryProvider.INCLUDE_PENDING);
    Optional<String> name = settings.optionalString(AsgDiscoveryProvider.NAME);
    String source;
    String group;
    if (name.isPresent()) {
      group = name.get();
      source = settings.source(AsgDiscoveryProvider.NAME);
    } else {
      group = identity.get().autoScalingGroup();
      source = OWN_GROUP;
      if (group == null || group.isBlank()) {
        throw ConfigException.missing(
            AsgDiscoveryProvider.NAME,
            "this instance is not in an Auto Scaling group (instance metadata has no"
                + " autoscaling/group-name and node.auto-scaling-group is not set), so name the"
                + " group whose instances form the cluster");
      }
    }
    try {
      return new AsgSettings(group, source, includePending);
    } catch (InvalidSetting e) {
      throw e.toConfigException(source);
    }
  }

  /** The lifecycle states counted as peers, InService first. */
  public List<String> admittedStates() {
    List<String> states = new ArrayList<>(IN_SERVICE);
    if (includePending) {
      states.addAll(PENDING);
    }
    return List.copyOf(states);
  }

  /** Whether an instance in this lifecycle state is a peer. Unknown states are not. */
  public boolean admits(String lifecycleState) {
    return IN_SERVICE.contains(lifecycleState)
        || (includePending && PENDING.contains(lifecycleState));
  }
}
