package io.muster.model;

import io.muster.net.IpLiteral;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One node as discovery sees it. Only the address is always known; the rest is null when the
 * provider does not know it (a static list has no launch time).
 *
 * @param address private address, the election's ordering key
 * @param hostname host name, or null
 * @param instanceId EC2 instance id (or an operator-given id), or null
 * @param availabilityZone AZ, or null
 * @param launchTime launch time, or null
 * @param tags instance tags (empty when none)
 * @param port service port from SRV records, or 0 when none
 */
public record Peer(
    InetAddress address,
    String hostname,
    String instanceId,
    String availabilityZone,
    Instant launchTime,
    Map<String, String> tags,
    int port) {

  public Peer {
    Objects.requireNonNull(address, "address");
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  public static Peer of(InetAddress address) {
    return new Peer(address, null, null, null, null, Map.of(), 0);
  }

  public static Peer of(String address) {
    return of(IpLiteral.parse(address));
  }

  public Peer withHostname(String h) {
    return new Peer(address, h, instanceId, availabilityZone, launchTime, tags, port);
  }

  public Peer withInstanceId(String id) {
    return new Peer(address, hostname, id, availabilityZone, launchTime, tags, port);
  }

  /** Dotted-quad / IPv6 text of the address. */
  public String addressText() {
    return IpLiteral.format(address);
  }

  /** The most specific stable identity: instance id, else address. */
  public String identity() {
    return instanceId != null ? instanceId : addressText();
  }

  @Override
  public String toString() {
    return addressText()
        + (instanceId != null ? " (" + instanceId + ")" : "")
        + (hostname != null ? " " + hostname : "");
  }
}
