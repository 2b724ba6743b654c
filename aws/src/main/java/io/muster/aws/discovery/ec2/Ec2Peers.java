package io.muster.aws.discovery.ec2;

import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns described instances into peers; pure apart from debug logging of what it leaves out. */
public final class Ec2Peers {
  private static final Logger LOG = LoggerFactory.getLogger(Ec2Peers.class);

  /** Instance states in which a node can still be, or become, a member. */
  private static final Set<String> LIVE_STATES = Set.of("pending", "running");

  private Ec2Peers() {}

  /**
   * The peer for one instance: its private IPv4 address, else its IPv6 address. Empty when it has
   * neither yet (an address is assigned while the instance is pending).
   */
  public static Optional<Peer> toPeer(Ec2Instance i) {
    InetAddress address = IpLiteral.parseOrNull(i.privateIpv4());
    if (address == null) {
      address = IpLiteral.parseOrNull(i.ipv6());
    }
    if (address == null) {
      return Optional.empty();
    }
    String hostname =
        i.privateDnsName() == null || i.privateDnsName().isBlank() ? null : i.privateDnsName();
    return Optional.of(
        new Peer(
            address, hostname, i.instanceId(), i.availabilityZone(), i.launchTime(), i.tags(), 0));
  }

  /** True unless EC2 says the instance is stopping or gone; unknown states count as live. */
  public static boolean isLive(Ec2Instance i) {
    return i.state() == null || LIVE_STATES.contains(i.state());
  }

  /**
   * The peers of live instances with an address, each instance once, in the given order. What is
   * left out is logged at debug with the reason, so "why is node X not in the view" has an answer.
   */
  public static List<Peer> toPeers(List<Ec2Instance> instances) {
    Set<String> seen = new LinkedHashSet<>();
    List<Peer> peers = new ArrayList<>();
    for (Ec2Instance i : instances) {
      if (!seen.add(i.instanceId())) {
        continue;
      }
      if (!isLive(i)) {
        LOG.debug("left out {}: instance state is {}", i.instanceId(), i.state());
        continue;
      }
      Optional<Peer> peer = toPeer(i);
      if (peer.isEmpty()) {
        LOG.debug("left out {}: no private address assigned yet", i.instanceId());
        continue;
      }
      peers.add(peer.get());
    }
    return List.copyOf(peers);
  }
}
