package io.muster.aws.discovery.ec2;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What discovery needs of one EC2 instance, as DescribeInstances reports it. Everything but the id
 * may be null: a just-launched instance may not have its private address yet.
 *
 * @param instanceId e.g. i-0123456789abcdef0
 * @param state instance state name: pending, running, shutting-down, terminated, stopping, stopped
 * @param privateIpv4 PrivateIpAddress, or null
 * @param ipv6 the instance's (primary) IPv6 address, or null
 * @param privateDnsName PrivateDnsName, or null
 * @param availabilityZone Placement.AvailabilityZone, or null
 * @param launchTime LaunchTime, or null
 * @param tags the instance's tags (empty when none)
 */
public record Ec2Instance(
    String instanceId,
    String state,
    String privateIpv4,
    String ipv6,
    String privateDnsName,
    String availabilityZone,
    Instant launchTime,
    Map<String, String> tags) {

  public Ec2Instance {
    Objects.requireNonNull(instanceId, "instanceId");
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }
}
