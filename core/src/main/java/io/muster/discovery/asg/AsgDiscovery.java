package io.muster.discovery.asg;

import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.discovery.Peer;
import io.muster.discovery.ec2.Ec2Api;
import io.muster.discovery.ec2.Ec2Instance;
import io.muster.discovery.ec2.Ec2Peers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers of one Auto Scaling group: its members in an admitted lifecycle state (InService, plus
 * Pending* with include-pending), with addresses from EC2. Never Terminating*, Detaching, Standby
 * or any state it does not know.
 */
public final class AsgDiscovery implements Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(AsgDiscovery.class);

  private final AsgSettings settings;
  private final AsgApi asg;
  private final Ec2Api ec2;

  public AsgDiscovery(AsgSettings settings, AsgApi asg, Ec2Api ec2) {
    this.settings = settings;
    this.asg = asg;
    this.ec2 = ec2;
  }

  @Override
  public List<Peer> discover() throws DiscoveryException {
    String name = settings.groupName();
    List<AsgInstance> members =
        asg.groupInstances(name)
            .orElseThrow(
                () ->
                    new DiscoveryException(
                        "Auto Scaling group '"
                            + name
                            + "' ("
                            + settings.groupSource()
                            + ") does not exist in "
                            + asg.where()
                            + ": set discovery.asg.name (--asg) to an existing group, or"
                            + " node.region (--region) to the group's region"));

    Map<String, AsgInstance> admitted = new LinkedHashMap<>();
    Map<String, Integer> byState = new TreeMap<>();
    for (AsgInstance m : members) {
      byState.merge(String.valueOf(m.lifecycleState()), 1, Integer::sum);
      if (settings.admits(m.lifecycleState())) {
        admitted.putIfAbsent(m.instanceId(), m);
      }
    }
    LOG.debug(
        "{}: group lists {} instance(s) by lifecycle state {}",
        describe(),
        members.size(),
        byState);
    if (admitted.isEmpty()) {
      LOG.warn(emptyViewMessage(settings, asg.where(), byState));
      return List.of();
    }

    List<Ec2Instance> described = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Ec2Instance i : ec2.instancesById(new ArrayList<>(admitted.keySet()))) {
      AsgInstance m = admitted.get(i.instanceId());
      if (m == null || !seen.add(i.instanceId())) {
        continue; // not asked for, or listed twice
      }
      described.add(i.availabilityZone() != null ? i : withAz(i, m.availabilityZone()));
    }
    if (seen.size() < admitted.size()) {
      Set<String> missing = new LinkedHashSet<>(admitted.keySet());
      missing.removeAll(seen);
      LOG.debug("left out {}: listed by the group but not (yet) described by EC2", missing);
    }
    List<Peer> peers = Ec2Peers.toPeers(described);
    if (peers.isEmpty()) {
      LOG.warn(emptyViewMessage(settings, asg.where(), byState));
    }
    return peers;
  }

  @Override
  public String describe() {
    return "ASG '"
        + settings.groupName()
        + "' ("
        + settings.groupSource()
        + "), instances in lifecycle state "
        + String.join(" or ", settings.admittedStates());
  }

  /** The warning for an empty view: which group, where, and what states it does hold. */
  static String emptyViewMessage(AsgSettings settings, String where, Map<String, Integer> byState) {
    return "no peers: ASG '"
        + settings.groupName()
        + "' ("
        + settings.groupSource()
        + ") in "
        + where
        + " has no instance with an address in lifecycle state "
        + String.join(" or ", settings.admittedStates())
        + "; it lists "
        + (byState.isEmpty() ? "no instances" : byState.toString())
        + ". Check discovery.asg.name (--asg) and node.region (--region)"
        + (settings.includePending() ? "" : ", or set discovery.asg.include-pending=true");
  }

  private static Ec2Instance withAz(Ec2Instance i, String az) {
    return new Ec2Instance(
        i.instanceId(),
        i.state(),
        i.privateIpv4(),
        i.ipv6(),
        i.privateDnsName(),
        az,
        i.launchTime(),
        i.tags());
  }
}
