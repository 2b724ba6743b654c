package io.muster.aws.discovery.asg;

import java.util.Objects;

/**
 * One instance as its Auto Scaling group lists it.
 *
 * @param instanceId e.g. i-0123456789abcdef0
 * @param lifecycleState e.g. InService, Pending:Wait, Terminating
 * @param availabilityZone the group's record of its AZ, or null
 */
public record AsgInstance(String instanceId, String lifecycleState, String availabilityZone) {
  public AsgInstance {
    Objects.requireNonNull(instanceId, "instanceId");
  }
}
