package io.muster.aws.discovery.asg;

import io.muster.aws.discovery.ec2.Ec2Api;
import io.muster.aws.discovery.ec2.Ec2Instance;
import io.muster.aws.discovery.ec2.Ec2Peers;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers of one Auto Scaling group: its members in an admitted lifecycle state (InService, plus
 * Pending* with include-pending), with addresses from EC2. Never Terminating*, Detaching, Standby
 * or any state it does not know.
 *
 * <p>Calls per pass. Every node of the fleet polls, and they all share the account's API request
 * buckets; the Auto Scaling bucket is small (a simulated 1,000-node formation was throttled), so
 * only the authoritative pass touches Auto Scaling, and EC2 is asked by tag rather than by id (one
 * request per 1,000 instances instead of per 100 ids):
 *
 * <ul>
 *   <li>{@link #discover()} (authoritative, for the node about to form a cluster): one
 *       DescribeAutoScalingGroups (one request: MaxRecords counts groups) for the members and their
 *       lifecycle states, then one DescribeInstances filtered by the {@value #GROUP_TAG} tag and
 *       state pending/running (a page per 1,000 instances) for their addresses. Members the tag
 *       query did not return (EC2 tags are eventually consistent: seconds after launch) are then
 *       described by id, only those, so no member is lost.
 *   <li>{@link #list()} (cheap, for waiting and finding members to join through): only that tag
 *       query, no Auto Scaling call. A superset of {@code discover()}: it includes instances in any
 *       lifecycle state that still run (Standby, Terminating:Wait, Detaching, warm pool instances
 *       and recently detached ones whose tag lingers), but it can miss a member launched seconds
 *       ago whose tag EC2 does not show yet (the same lag as {@code ec2-tags} discovery).
 * </ul>
 */
public final class AsgDiscovery implements Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(AsgDiscovery.class);

  /**
   * The tag Auto Scaling puts on every instance it launches, value the group name; "aws:" tags are
   * AWS's own and cannot be edited or removed
   * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-tagging.html).
   */
  static final String GROUP_TAG = "aws:autoscaling:groupName";

  /** EC2 instance states of an instance that is, or is about to be, up. */
  static final List<String> LIVE_STATES = List.of("pending", "running");

  private final AsgSettings settings;
  private final AsgApi asg;
  private final Ec2Api ec2;

  /** Whether the last list() was empty and warned, so a run of empty listings warns once. */
  private final AtomicBoolean listWarned = new AtomicBoolean();

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

    // Addresses: the tag query, kept to admitted members (it also returns Standby, Terminating:Wait
    // and detached instances, which are not peers).
    Map<String, Ec2Instance> described = new HashMap<>();
    keepAdmitted(ec2.instances(groupFilter(name)), admitted, described);
    if (described.size() < admitted.size()) {
      List<String> untagged = new ArrayList<>();
      for (String id : admitted.keySet()) {
        if (!described.containsKey(id)) {
          untagged.add(id);
        }
      }
      LOG.debug("describing {} by id: listed by the group, not (yet) found by its tag", untagged);
      keepAdmitted(ec2.instancesById(untagged), admitted, described);
    }
    if (described.size() < admitted.size()) {
      Set<String> missing = new LinkedHashSet<>(admitted.keySet());
      missing.removeAll(described.keySet());
      LOG.debug("left out {}: listed by the group but not (yet) described by EC2", missing);
    }

    // In the group's order, so the result does not depend on how EC2 pages.
    List<Ec2Instance> ordered = new ArrayList<>();
    for (AsgInstance m : admitted.values()) {
      Ec2Instance i = described.get(m.instanceId());
      if (i != null) {
        ordered.add(i.availabilityZone() != null ? i : withAz(i, m.availabilityZone()));
      }
    }
    List<Peer> peers = Ec2Peers.toPeers(ordered);
    if (peers.isEmpty()) {
      LOG.warn(emptyViewMessage(settings, asg.where(), byState));
    }
    return peers;
  }

  /**
   * The running and pending instances carrying the group's tag, whatever their lifecycle state: one
   * DescribeInstances (a page per 1,000 instances) and no Auto Scaling call.
   */
  @Override
  public List<Peer> list() throws DiscoveryException {
    String name = settings.groupName();
    List<Ec2Instance> tagged = new ArrayList<>();
    for (Ec2Instance i : ec2.instances(groupFilter(name))) {
      // EC2 matched the escaped value; checking equality here too costs nothing.
      if (name.equals(i.tags().get(GROUP_TAG))) {
        tagged.add(i);
      }
    }
    List<Peer> peers = Ec2Peers.toPeers(tagged);
    if (!peers.isEmpty()) {
      listWarned.set(false);
    } else if (listWarned.compareAndSet(false, true)) {
      LOG.warn(emptyListingMessage(settings, ec2.where()));
    } else {
      LOG.debug(emptyListingMessage(settings, ec2.where()));
    }
    return peers;
  }

  /**
   * The group's desired capacity: how many instances it is launching towards, which its tag query
   * shows only as they come up. One DescribeAutoScalingGroups request; the seed of a booting view
   * asks once, to pace the fleet's store reads by the size it will have.
   */
  @Override
  public OptionalInt expectedSize() throws DiscoveryException {
    return asg.desiredCapacity(settings.groupName());
  }

  /**
   * The DescribeInstances filters for the group's running and pending instances. Filter values are
   * patterns (* and ? are wildcards, backslash escapes), so the name is escaped to match only
   * itself.
   */
  static Map<String, List<String>> groupFilter(String groupName) {
    Map<String, List<String>> filters = new LinkedHashMap<>();
    filters.put("tag:" + GROUP_TAG, List.of(literal(groupName)));
    filters.put("instance-state-name", LIVE_STATES);
    return filters;
  }

  /** An EC2 filter value matching exactly {@code s}: a backslash before each backslash, * and ?. */
  static String literal(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '\\' || c == '*' || c == '?') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /** Adds each admitted instance not described yet; ignores others and repeats. */
  private static void keepAdmitted(
      List<Ec2Instance> instances,
      Map<String, AsgInstance> admitted,
      Map<String, Ec2Instance> described) {
    for (Ec2Instance i : instances) {
      if (admitted.containsKey(i.instanceId())) {
        described.putIfAbsent(i.instanceId(), i);
      }
    }
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

  /** The warning for an empty listing: no instance carries the group's tag where we look. */
  static String emptyListingMessage(AsgSettings settings, String where) {
    return "no peers listed: no pending or running EC2 instance in "
        + where
        + " carries the tag "
        + GROUP_TAG
        + "='"
        + settings.groupName()
        + "' ("
        + settings.groupSource()
        + "). Check discovery.asg.name (--asg) and node.region (--region)";
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
