package io.muster.credentials;

import java.time.Instant;
import java.util.Objects;

/**
 * The claim that generation {@code generation} of {@code cluster} was formed (or is being formed)
 * by one node. Created with an atomic create-if-absent per generation: of all nodes that try to
 * claim the same generation, exactly one succeeds.
 *
 * @param clusterId unique id of this generation, e.g. a random UUID, so joiners never mix clusters
 */
public record FormationRecord(
    String cluster,
    long generation,
    String clusterId,
    String ownerInstanceId,
    String ownerAddress,
    Instant claimedAt) {
  public FormationRecord {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(ownerInstanceId, "ownerInstanceId");
    Objects.requireNonNull(ownerAddress, "ownerAddress");
    Objects.requireNonNull(claimedAt, "claimedAt");
    if (generation < 1) {
      throw new IllegalArgumentException("generation must be >= 1: " + generation);
    }
  }
}
