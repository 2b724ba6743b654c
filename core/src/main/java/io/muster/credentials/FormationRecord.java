package io.muster.credentials;

import java.time.Instant;
import java.util.Objects;

/**
 * The claim that generation {@code generation} of {@code cluster} was formed (or is being formed)
 * by one node. Created with an atomic create-if-absent per generation: of all nodes that try to
 * claim the same generation, exactly one succeeds.
 *
 * @param clusterId unique id of this generation, e.g. a random UUID, so joiners never mix clusters
 * @param viewSize how many peers the founder's view held when it claimed (0: not recorded); the
 *     fleet sizes its reaction to the new formation by it, since a waiting node's own view may be
 *     old and small
 */
public record FormationRecord(
    String cluster,
    long generation,
    String clusterId,
    String ownerInstanceId,
    String ownerAddress,
    Instant claimedAt,
    int viewSize) {
  public FormationRecord(
      String cluster,
      long generation,
      String clusterId,
      String ownerInstanceId,
      String ownerAddress,
      Instant claimedAt) {
    this(cluster, generation, clusterId, ownerInstanceId, ownerAddress, claimedAt, 0);
  }

  public FormationRecord {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(ownerInstanceId, "ownerInstanceId");
    Objects.requireNonNull(ownerAddress, "ownerAddress");
    Objects.requireNonNull(claimedAt, "claimedAt");
    if (generation < 1) {
      throw new IllegalArgumentException("generation must be >= 1: " + generation);
    }
    if (viewSize < 0) {
      throw new IllegalArgumentException("viewSize must be >= 0: " + viewSize);
    }
  }
}
