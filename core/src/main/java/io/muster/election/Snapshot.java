package io.muster.election;

import io.muster.model.Peer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the election looks at, frozen.
 *
 * @param self this node
 * @param view the peers discovery returned (should include self)
 * @param viewUnchangedFor how long the view has been the same set of addresses
 * @param now the time of the snapshot (for messages and timing rules)
 * @param settings the election settings
 * @param cluster what the store says about the cluster
 */
public record Snapshot(
    Peer self,
    List<Peer> view,
    Duration viewUnchangedFor,
    Instant now,
    ElectionSettings settings,
    ClusterState cluster) {
  public Snapshot {
    Objects.requireNonNull(self, "self");
    view = List.copyOf(view);
    Objects.requireNonNull(viewUnchangedFor, "viewUnchangedFor");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(cluster, "cluster");
  }
}
