package io.muster.bootstrap;

import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import io.muster.election.ClusterState;
import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Pure: what the store's records mean for this view. */
public final class ClusterStates {
  private ClusterStates() {}

  /**
   * @param formation the current formation record, if any
   * @param members every member record in the store
   * @param view the current discovery view
   * @param self this node
   * @param membership this node's own record of membership, if any
   * @param orphanedFor how long this node has seen nothing alive of the current generation
   */
  public static ClusterState of(
      Optional<FormationRecord> formation,
      List<MemberRecord> members,
      List<Peer> view,
      Peer self,
      Optional<Membership> membership,
      java.time.Duration orphanedFor) {
    if (formation.isEmpty()) {
      return new ClusterState(true, 0, null, false, List.of(), membership.isPresent(), 0, null);
    }
    FormationRecord f = formation.get();
    Map<InetAddress, List<Peer>> byAddress = byAddress(view);
    List<Peer> live = new ArrayList<>();
    int joiners = 0;
    for (MemberRecord m : members) {
      if (m.generation() != f.generation() || isSelf(m, self)) {
        continue;
      }
      Optional<Peer> inView = find(byAddress, m.instanceId(), m.address());
      if (inView.isEmpty()) {
        continue;
      }
      if (m.status() == MemberRecord.Status.MEMBER && !addressReused(byAddress, inView.get())) {
        live.add(inView.get());
      } else {
        // Joining, or a member whose address another instance also holds: no node to join
        // through, but it may be alive in the generation's cluster, so it blocks replacing it.
        joiners++;
      }
    }
    boolean ownerInView = find(byAddress, f.ownerInstanceId(), f.ownerAddress()).isPresent();
    boolean wasMember = membership.isPresent() && membership.get().cluster().equals(f.cluster());
    return new ClusterState(
        true,
        f.generation(),
        f.ownerInstanceId(),
        ownerInView,
        live,
        wasMember,
        joiners,
        orphanedFor);
  }

  /**
   * Whether anything of the current generation (owner, member, joiner other than self) is in view.
   */
  public static boolean anythingAlive(
      FormationRecord formation, List<MemberRecord> members, List<Peer> view, Peer self) {
    Map<InetAddress, List<Peer>> byAddress = byAddress(view);
    if (find(byAddress, formation.ownerInstanceId(), formation.ownerAddress()).isPresent()
        && !formation.ownerInstanceId().equals(self.instanceId())) {
      return true;
    }
    for (MemberRecord m : members) {
      if (m.generation() == formation.generation()
          && !isSelf(m, self)
          && find(byAddress, m.instanceId(), m.address()).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the node that claimed {@code formation} is in {@code view} under its instance id and
   * address, with no other instance holding that address: a node to join through if it is a member.
   */
  static boolean ownerJoinableInView(FormationRecord formation, List<Peer> view) {
    Map<InetAddress, List<Peer>> byAddress = byAddress(view);
    Optional<Peer> owner = find(byAddress, formation.ownerInstanceId(), formation.ownerAddress());
    return owner.isPresent() && !addressReused(byAddress, owner.get());
  }

  /**
   * Whether the registered node {@code m} is in {@code view} under its instance id and address,
   * with no other instance holding that address.
   */
  static boolean joinableInView(MemberRecord m, List<Peer> view) {
    Map<InetAddress, List<Peer>> byAddress = byAddress(view);
    Optional<Peer> p = find(byAddress, m.instanceId(), m.address());
    return p.isPresent() && !addressReused(byAddress, p.get());
  }

  /** Whether the node that claimed {@code formation} is in {@code view}. */
  static boolean ownerInView(FormationRecord formation, List<Peer> view) {
    return find(byAddress(view), formation.ownerInstanceId(), formation.ownerAddress()).isPresent();
  }

  /** The view's peers by address, in view order (one pass, so large views stay linear). */
  private static Map<InetAddress, List<Peer>> byAddress(List<Peer> view) {
    Map<InetAddress, List<Peer>> out = new HashMap<>();
    for (Peer p : view) {
      out.computeIfAbsent(p.address(), a -> new ArrayList<>(1)).add(p);
    }
    return out;
  }

  /**
   * The view's peer that is this registered node: same address, and same instance id whenever
   * discovery knows instance ids (a reused address with another id is a different node).
   */
  static Optional<Peer> find(
      Map<InetAddress, List<Peer>> byAddress, String instanceId, String address) {
    InetAddress a = IpLiteral.parseOrNull(address);
    if (a == null) {
      return Optional.empty();
    }
    for (Peer p : byAddress.getOrDefault(a, List.of())) {
      if (p.instanceId() == null || p.instanceId().equals(instanceId)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether another instance also holds {@code p}'s address in the view (a stale entry of a
   * terminated member next to the new instance that got its address): a join addresses the node by
   * address and would reach whichever holds it now, so it is no member to join through.
   */
  static boolean addressReused(Map<InetAddress, List<Peer>> byAddress, Peer p) {
    for (Peer q : byAddress.getOrDefault(p.address(), List.of())) {
      if (q != p && q.instanceId() != null && !q.instanceId().equals(p.instanceId())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSelf(MemberRecord m, Peer self) {
    return m.instanceId().equals(self.instanceId());
  }
}
