package io.muster.aws.lifecycle;

import io.muster.aws.discovery.ec2.Ec2Api;
import io.muster.aws.discovery.ec2.Ec2Instance;
import io.muster.discovery.DiscoveryException;
import io.muster.lifecycle.LifecycleException;
import io.muster.lifecycle.fleet.InstanceAddresses;
import java.util.List;
import java.util.Optional;

/**
 * {@link InstanceAddresses} on EC2 {@code DescribeInstances} by id (the discovery module's {@link
 * Ec2Api}, which leaves out ids EC2 does not know yet instead of failing). The private IPv4
 * address, else the IPv6 one.
 */
public final class Ec2InstanceAddresses implements InstanceAddresses {
  /** The IAM action this needs. */
  public static final String DESCRIBE_INSTANCES = Ec2Api.DESCRIBE_INSTANCES;

  private final Ec2Api ec2;

  public Ec2InstanceAddresses(Ec2Api ec2) {
    this.ec2 = ec2;
  }

  @Override
  public Optional<String> privateAddress(String instanceId) {
    List<Ec2Instance> found;
    try {
      found = ec2.instancesById(List.of(instanceId));
    } catch (DiscoveryException e) {
      throw new LifecycleException(e.getMessage(), !e.permanent(), e);
    }
    return found.stream()
        .filter(i -> instanceId.equals(i.instanceId()))
        .findFirst()
        .flatMap(
            i ->
                Optional.ofNullable(nonBlank(i.privateIpv4()))
                    .or(() -> Optional.ofNullable(nonBlank(i.ipv6()))));
  }

  private static String nonBlank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
