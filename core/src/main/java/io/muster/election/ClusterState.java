package io.muster.election;

import io.muster.model.Peer;
import java.util.List;

/**
 * What the credential store says about the cluster, as seen through the current view.
 *
 * @param known false when the store was not consulted (e.g. {@code muster peers})
 * @param generation the current formation generation, or 0 when the cluster was never formed
 * @param ownerInstanceId instance id of the node that claimed the current generation, or null
 * @param ownerInView whether that node is in the current view (alive)
 * @param liveMembers registered members of the current generation that are in the view (matched by
 *     instance id AND address, so a reused address is not a member), self excluded
 * @param selfWasMember whether this node's own state says it was a member of this cluster
 * @param joinersInView other nodes in the view registered as joining the current generation (they
 *     may already be members of it, so the generation must not be replaced while they live)
 * @param orphanedFor how long THIS node has continuously seen the current generation with no owner,
 *     member or joiner in its view (zero when something of it is visible). A generation is only
 *     replaced after {@code election.replace-after} of this, which must exceed any discovery lag: a
 *     lagging view that merely does not show the members yet must never replace them.
 */
public record ClusterState(
    boolean known,
    long generation,
    String ownerInstanceId,
    boolean ownerInView,
    List<Peer> liveMembers,
    boolean selfWasMember,
    int joinersInView,
    java.time.Duration orphanedFor) {

  public ClusterState {
    liveMembers = List.copyOf(liveMembers);
    orphanedFor = orphanedFor == null ? java.time.Duration.ZERO : orphanedFor;
  }

  public ClusterState(
      boolean known,
      long generation,
      String ownerInstanceId,
      boolean ownerInView,
      List<Peer> liveMembers,
      boolean selfWasMember,
      int joinersInView) {
    this(
        known,
        generation,
        ownerInstanceId,
        ownerInView,
        liveMembers,
        selfWasMember,
        joinersInView,
        java.time.Duration.ZERO);
  }

  public ClusterState(
      boolean known,
      long generation,
      String ownerInstanceId,
      boolean ownerInView,
      List<Peer> liveMembers,
      boolean selfWasMember) {
    this(known, generation, ownerInstanceId, ownerInView, liveMembers, selfWasMember, 0, null);
  }

  public static final ClusterState UNKNOWN =
      new ClusterState(false, 0, null, false, List.of(), false, 0, null);
  public static final ClusterState NEVER_FORMED =
      new ClusterState(true, 0, null, false, List.of(), false, 0, null);

  public boolean formed() {
    return generation > 0;
  }
}
