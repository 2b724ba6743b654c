package io.muster.adapter.swarm;

import io.muster.credentials.Secret;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The few Docker Engine API calls the swarm adapter makes, on this node's own engine. The
 * production implementation is {@link HttpDockerEngine}; tests use a fake, so the adapter's
 * decisions (role, quorum, idempotency) are tested without a daemon.
 */
public interface DockerEngine {

  /** Where the engine is, for messages: {@code unix:///var/run/docker.sock}. */
  String describe();

  /** {@code GET /info}, the swarm part and the root directory. */
  EngineInfo info() throws EngineException;

  /**
   * {@code POST /swarm/init}.
   *
   * @return the new node's id
   */
  String initSwarm(String listenAddr, String advertiseAddr) throws EngineException;

  /** {@code GET /swarm} (managers only): the cluster id and the join tokens. */
  SwarmCluster swarm() throws EngineException;

  /** {@code POST /swarm/join}. */
  void joinSwarm(JoinSpec spec) throws EngineException;

  /** {@code POST /swarm/leave}. */
  void leaveSwarm(boolean force) throws EngineException;

  /** {@code GET /nodes} (managers only). */
  List<SwarmNode> nodes() throws EngineException;

  /** {@code GET /nodes/{id}} (managers only). */
  SwarmNode node(String id) throws EngineException;

  /** {@code POST /nodes/{id}/update?version=V} (managers only). */
  void updateNode(String id, long version, NodeSpec spec) throws EngineException;

  /** {@code DELETE /nodes/{id}} (managers only). */
  void removeNode(String id, boolean force) throws EngineException;

  /**
   * What {@code GET /info} says about swarm membership.
   *
   * @param localNodeState inactive, pending, active, error or locked
   * @param nodeId this node's swarm node id, or "" when not in a swarm
   * @param nodeAddr this node's address in the swarm, or ""
   * @param controlAvailable whether this node is a manager
   * @param error the engine's swarm error text, or ""
   * @param clusterId the swarm's id; null on workers (the engine shows it to managers only)
   * @param managers manager count (managers only, else 0)
   * @param nodes node count (managers only, else 0)
   * @param remoteManagers addresses (host:port) of the managers this node knows
   * @param dockerRootDir the engine's data root (where the node certificate lives)
   */
  record EngineInfo(
      String localNodeState,
      String nodeId,
      String nodeAddr,
      boolean controlAvailable,
      String error,
      String clusterId,
      int managers,
      int nodes,
      List<String> remoteManagers,
      String dockerRootDir) {
    public EngineInfo {
      Objects.requireNonNull(localNodeState, "localNodeState");
      nodeId = nodeId == null ? "" : nodeId;
      nodeAddr = nodeAddr == null ? "" : nodeAddr;
      error = error == null ? "" : error;
      remoteManagers = remoteManagers == null ? List.of() : List.copyOf(remoteManagers);
    }

    public boolean active() {
      return "active".equals(localNodeState);
    }
  }

  /** The swarm's id and join tokens; tokens are {@link Secret}s so they never print. */
  record SwarmCluster(String id, Secret workerToken, Secret managerToken) {}

  /**
   * A join: {@code remoteAddrs} should hold ONE manager, because the engine only ever tries the
   * first entry.
   */
  record JoinSpec(String listenAddr, String advertiseAddr, List<String> remoteAddrs, Secret token) {
    public JoinSpec {
      remoteAddrs = List.copyOf(remoteAddrs);
      Objects.requireNonNull(token, "token");
    }
  }

  /**
   * A node as a manager sees it.
   *
   * @param state ready, down, unknown or disconnected
   * @param addr the node's address (no port)
   * @param reachability reachable, unreachable or unknown for managers; null for workers
   */
  record SwarmNode(
      String id,
      long version,
      NodeSpec spec,
      String hostname,
      String state,
      String addr,
      String reachability,
      boolean leader) {

    /** Whether the node is in the raft group (its spec role may already say otherwise). */
    public boolean isManager() {
      return reachability != null;
    }

    public boolean reachable() {
      return "reachable".equals(reachability);
    }
  }

  /** The writable part of a node: all of its fields, so an update never drops one. */
  record NodeSpec(String name, Map<String, String> labels, String role, String availability) {
    public NodeSpec {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public NodeSpec withRole(String r) {
      return new NodeSpec(name, labels, r, availability);
    }

    public NodeSpec withLabels(Map<String, String> l) {
      return new NodeSpec(name, l, role, availability);
    }
  }
}
