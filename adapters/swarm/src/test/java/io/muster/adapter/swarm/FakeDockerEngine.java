package io.muster.adapter.swarm;

import io.muster.credentials.Secret;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory engine: this node's swarm state plus the node list a manager would see. Records
 * every call as text so tests assert exactly what the adapter asked for.
 */
final class FakeDockerEngine implements DockerEngine {
  static final Secret WORKER_TOKEN = Secret.of("SWMTKN-1-digest-workersecret");
  static final Secret MANAGER_TOKEN = Secret.of("SWMTKN-1-digest-managersecret");

  final List<String> calls = new ArrayList<>();
  final List<JoinSpec> joins = new ArrayList<>();
  final Deque<EngineException> joinFailures = new ArrayDeque<>();
  final Map<String, SwarmNode> nodes = new LinkedHashMap<>();

  String state = "inactive";
  boolean manager;
  String nodeId = "";
  String clusterId = "swarmA";
  String error = "";
  boolean unreachable;
  boolean nodesFail;

  /** How many info() calls after a demotion still show the node as a manager. */
  int demotionLag;

  String selfAddr = "10.0.0.1";

  @Override
  public String describe() {
    return "unix:///fake/docker.sock";
  }

  @Override
  public EngineInfo info() throws EngineException {
    calls.add("info");
    if (unreachable) {
      throw new EngineException(
          "GET /info", EngineException.Failure.UNREACHABLE, "connection refused", null);
    }
    boolean active = state.equals("active");
    boolean control = active && manager;
    if (!control && demotionLag > 0) {
      demotionLag--;
      control = true;
    }
    return new EngineInfo(
        state,
        active ? nodeId : "",
        active ? selfAddr : "",
        control,
        error,
        control ? clusterId : null,
        control ? managers().size() : 0,
        control ? nodes.size() : 0,
        active ? List.of("10.0.0.1:2377") : List.of(),
        "/var/lib/docker");
  }

  @Override
  public String initSwarm(String listenAddr, String advertiseAddr) {
    calls.add("init listen=" + listenAddr + " advertise=" + advertiseAddr);
    becomeMember(true);
    return nodeId;
  }

  @Override
  public SwarmCluster swarm() throws EngineException {
    calls.add("swarm");
    requireManager("GET /swarm");
    return new SwarmCluster(clusterId, WORKER_TOKEN, MANAGER_TOKEN);
  }

  @Override
  public void joinSwarm(JoinSpec spec) throws EngineException {
    calls.add("join " + spec.remoteAddrs() + " listen=" + spec.listenAddr());
    joins.add(spec);
    if (!joinFailures.isEmpty()) {
      EngineException e = joinFailures.poll();
      if (JoinFailure.of(e) == JoinFailure.TIMED_OUT) {
        state = "pending";
      }
      throw e;
    }
    if (!spec.token().equals(WORKER_TOKEN) && !spec.token().equals(MANAGER_TOKEN)) {
      throw new EngineException(
          "POST /swarm/join", 400, "A valid join token is necessary to join this cluster");
    }
    becomeMember(spec.token().equals(MANAGER_TOKEN));
  }

  @Override
  public void leaveSwarm(boolean force) throws EngineException {
    calls.add("leave force=" + force);
    if (state.equals("inactive")) {
      throw new EngineException("POST /swarm/leave", 503, "This node is not part of a swarm");
    }
    if (manager && state.equals("active") && !force) {
      throw new EngineException(
          "POST /swarm/leave",
          503,
          "You are attempting to leave the swarm on a node that is participating as a manager.");
    }
    state = "inactive";
    manager = false;
    nodes.remove(nodeId);
  }

  @Override
  public List<SwarmNode> nodes() throws EngineException {
    calls.add("nodes");
    requireManager("GET /nodes");
    if (nodesFail) {
      throw new EngineException(
          "GET /nodes",
          500,
          "The swarm does not have a leader. It's possible that too few managers are online.");
    }
    return List.copyOf(nodes.values());
  }

  @Override
  public SwarmNode node(String id) throws EngineException {
    calls.add("node " + id);
    requireManager("GET /nodes/" + id);
    SwarmNode n = nodes.get(id);
    if (n == null) {
      throw new EngineException("GET /nodes/" + id, 404, "node " + id + " not found");
    }
    return n;
  }

  @Override
  public void updateNode(String id, long version, NodeSpec spec) throws EngineException {
    calls.add(
        "update " + id + " v" + version + " role=" + spec.role() + " labels=" + spec.labels());
    requireManager("POST /nodes/" + id + "/update");
    SwarmNode n = nodes.get(id);
    if (n.version() != version) {
      throw new EngineException("update", 500, "update out of sequence");
    }
    boolean isManager = spec.role().equals("manager");
    nodes.put(
        id,
        new SwarmNode(
            id,
            version + 1,
            spec,
            n.hostname(),
            n.state(),
            n.addr(),
            isManager ? n.reachability() : null,
            isManager && n.leader()));
    if (id.equals(nodeId) && !isManager) {
      manager = false;
    }
  }

  @Override
  public void removeNode(String id, boolean force) throws EngineException {
    calls.add("rm " + id + " force=" + force);
    requireManager("DELETE /nodes/" + id);
    SwarmNode n = nodes.get(id);
    if (n != null && n.isManager()) {
      throw new EngineException("rm", 400, "node is a cluster manager; demote it first");
    }
    nodes.remove(id);
  }

  // ------------------------------------------------------------------ scripting helpers

  void becomeMember(boolean asManager) {
    state = "active";
    manager = asManager;
    nodeId = "self";
    nodes.put(
        nodeId,
        new SwarmNode(
            nodeId,
            10,
            new NodeSpec(null, Map.of(), asManager ? "manager" : "worker", "active"),
            "host",
            "ready",
            selfAddr,
            asManager ? "reachable" : null,
            asManager));
  }

  /** Adds another node as this (manager) node would see it. */
  void addNode(String id, String addr, String state, String reachability) {
    nodes.put(
        id,
        new SwarmNode(
            id,
            5,
            new NodeSpec(null, Map.of(), reachability != null ? "manager" : "worker", "active"),
            "host-" + id,
            state,
            addr,
            reachability,
            false));
  }

  List<SwarmNode> managers() {
    return nodes.values().stream().filter(SwarmNode::isManager).toList();
  }

  private void requireManager(String call) throws EngineException {
    if (!state.equals("active") || !manager) {
      throw new EngineException(
          call,
          503,
          "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster"
              + " state.");
    }
  }
}
