package io.muster.election;

import io.muster.discovery.Peer;
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
 */
public record ClusterState(
    boolean known,
    long generation,
    String ownerInstanceId,
    boolean ownerInView,
    List<Peer> liveMembers,
    boolean selfWasMember,
    int joinersInView) {

  public ClusterState {
    liveMembers = List.copyOf(liveMembers);
  }

  public ClusterState(
      boolean known,
      long generation,
      String ownerInstanceId,
      boolean ownerInView,
      List<Peer> liveMembers,
      boolean selfWasMember) {
    this(known, generation, ownerInstanceId, ownerInView, liveMembers, selfWasMember, 0);
  }

  public static final ClusterState UNKNOWN =
      new ClusterState(false, 0, null, false, List.of(), false, 0);
  public static final ClusterState NEVER_FORMED =
      new ClusterState(true, 0, null, false, List.of(), false, 0);

  public boolean formed() {
    return generation > 0;
  }
}
