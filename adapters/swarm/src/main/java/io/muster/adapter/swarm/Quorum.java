package io.muster.adapter.swarm;

/**
 * Whether a manager may leave: after it leaves, the managers still reachable must be a majority of
 * the managers that remain (raft needs floor(n/2)+1 of n). Pure; the counts include this node.
 *
 * @param allowed whether leaving keeps the swarm's raft quorum
 * @param reason the numbers, in words
 */
public record Quorum(boolean allowed, String reason) {

  /**
   * @param managers managers in the raft group now, this node included
   * @param reachable of those, how many are reachable, this node included
   */
  public static Quorum afterLeaving(int managers, int reachable) {
    if (managers < 1 || reachable < 1 || reachable > managers) {
      throw new IllegalArgumentException(
          "need 1 <= reachable <= managers, got " + reachable + " of " + managers);
    }
    int remaining = managers - 1;
    int remainingReachable = reachable - 1;
    if (remaining == 0) {
      return new Quorum(
          false,
          "this node is the swarm's only manager: without it the swarm has no control plane"
              + " (its workers keep running tasks but nothing can be scheduled or changed)");
    }
    int needed = remaining / 2 + 1;
    String numbers =
        managers
            + " manager(s), "
            + (managers - reachable)
            + " unreachable; after leaving "
            + remainingReachable
            + " of "
            + remaining
            + " would be reachable and raft needs "
            + needed;
    return remainingReachable >= needed
        ? new Quorum(true, numbers)
        : new Quorum(false, numbers + ": the swarm would lose its quorum");
  }
}
