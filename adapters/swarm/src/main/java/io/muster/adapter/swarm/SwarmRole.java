package io.muster.adapter.swarm;

import io.muster.adapter.swarm.SwarmSettings.RolePolicy;
import io.muster.model.Peer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's swarm role and why. Pure functions of the ranked view, so every node of a fleet, given
 * the same view, picks the same managers.
 */
public record SwarmRole(boolean manager, String reason) {

  public String tokenName() {
    return manager ? SwarmCredentials.MANAGER_TOKEN : SwarmCredentials.WORKER_TOKEN;
  }

  public String word() {
    return manager ? "manager" : "worker";
  }

  /**
   * The role {@code self} joins with.
   *
   * @param view the ranked view, seed first
   */
  public static SwarmRole assign(
      RolePolicy policy, int managers, InetAddress self, List<Peer> view) {
    switch (policy) {
      case MANAGER:
        return new SwarmRole(true, "adapter.swarm.role=manager");
      case WORKER:
        return new SwarmRole(false, "adapter.swarm.role=worker");
      default:
        break;
    }
    int rank = rank(self, view);
    if (rank < 0) {
      // Cannot happen through the bootstrap loop (it never joins a node missing from its own
      // view); a worker is the choice that cannot cost the swarm its quorum.
      return new SwarmRole(false, "role auto: this node is not in the view; joining as a worker");
    }
    boolean m = rank < managers;
    return new SwarmRole(
        m,
        "role auto: rank "
            + (rank + 1)
            + " of "
            + view.size()
            + " in the view, the first "
            + managers
            + " (adapter.swarm.managers) are managers");
  }

  /** 0-based position of {@code address} in the ranked view, or -1. */
  static int rank(InetAddress address, List<Peer> view) {
    for (int i = 0; i < view.size(); i++) {
      if (view.get(i).address().equals(address)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The order in which to try members as the one manager a join goes through: members that rank
   * among the first {@code managers} of the view (the ones role auto made managers) first, the
   * others after them in case roles drifted; the bootstrap's order is kept within each group. A
   * worker refuses the connection, which costs ~10 s per wrong guess.
   */
  public static List<Peer> joinOrder(
      List<Peer> members, List<Peer> view, int managers, InetAddress self) {
    List<Peer> likely = new ArrayList<>();
    List<Peer> others = new ArrayList<>();
    for (Peer p : members) {
      if (p.address().equals(self)) {
        continue;
      }
      int r = rank(p.address(), view);
      (r >= 0 && r < managers ? likely : others).add(p);
    }
    likely.addAll(others);
    return likely;
  }
}
