package io.muster.bootstrap;

import java.time.Instant;
import java.util.Objects;

/**
 * This node's own record of the cluster it belongs to, kept in {@code state.dir}: written after a
 * verified form or join, removed by leave. It is what makes a former member never form on its own
 * (S2) and a second {@code muster join} a no-op (S3).
 */
public record Membership(String cluster, long generation, String clusterId, Instant since) {
  public Membership {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(since, "since");
  }
}
