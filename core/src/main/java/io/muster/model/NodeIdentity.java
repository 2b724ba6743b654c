package io.muster.model;

import io.muster.net.IpLiteral;
import java.net.InetAddress;
import java.util.Map;
import java.util.Objects;

/**
 * Who this node is. Address and instance id are always known; the rest is null off EC2 unless
 * overridden.
 */
public record NodeIdentity(
    String instanceId,
    InetAddress address,
    InetAddress ipv6,
    String hostname,
    String availabilityZone,
    String region,
    String autoScalingGroup) {

  public NodeIdentity {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(address, "address");
  }

  /** For tests and static set-ups: id and address only. */
  public static NodeIdentity of(String instanceId, String address) {
    return new NodeIdentity(instanceId, IpLiteral.parse(address), null, null, null, null, null);
  }

  public String addressText() {
    return IpLiteral.format(address);
  }

  public Peer asPeer() {
    return new Peer(address, hostname, instanceId, availabilityZone, null, Map.of(), 0);
  }
}
