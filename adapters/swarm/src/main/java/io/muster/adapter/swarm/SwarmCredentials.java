package io.muster.adapter.swarm;

/** Names of what the swarm adapter publishes in the credential store. */
public final class SwarmCredentials {
  private SwarmCredentials() {}

  public static final String MANAGER_TOKEN = "swarm-manager-token";
  public static final String WORKER_TOKEN = "swarm-worker-token";

  /**
   * Not secret: the swarm's own id, so a node can tell whether it is already in THIS swarm (the
   * join tokens do not name it).
   */
  public static final String CLUSTER_ID = "swarm-cluster-id";
}
