package io.muster.adapter.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.credentials.Secret;
import io.muster.time.Deadline;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link DockerEngine} over the engine's unix socket, API version 1.41 (Docker 20.10; later engines
 * still serve it).
 */
public final class HttpDockerEngine implements DockerEngine {
  static final String API = "/v1.41";

  // A join waits up to 20 s inside the engine before it answers "continues in the background";
  // reading the node list from a manager can take ~20 s while raft elects a leader.
  private static final Duration SHORT = Duration.ofSeconds(30);
  private static final Duration LONG = Duration.ofSeconds(90);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final UnixSocketHttpClient http;

  private final Deadline deadline;

  public HttpDockerEngine(Path socket) {
    this(socket, new Deadline(java.time.Clock.systemUTC()));
  }

  /**
   * @param deadline the operation's deadline (join --timeout): no call waits past it
   */
  public HttpDockerEngine(Path socket, Deadline deadline) {
    this.http = new UnixSocketHttpClient(socket);
    this.deadline = deadline;
  }

  @Override
  public String describe() {
    return "unix://" + http.socket();
  }

  @Override
  public EngineInfo info() throws EngineException {
    JsonNode root = call("GET", "/info", null, SHORT, "GET /info");
    JsonNode s = root.path("Swarm");
    List<String> remotes = new ArrayList<>();
    for (JsonNode m : s.path("RemoteManagers")) {
      remotes.add(m.path("Addr").asText());
    }
    JsonNode cluster = s.path("Cluster");
    return new EngineInfo(
        s.path("LocalNodeState").asText("inactive"),
        s.path("NodeID").asText(""),
        s.path("NodeAddr").asText(""),
        s.path("ControlAvailable").asBoolean(false),
        s.path("Error").asText(""),
        cluster.hasNonNull("ID") && !cluster.path("ID").asText().isEmpty()
            ? cluster.path("ID").asText()
            : null,
        s.path("Managers").asInt(0),
        s.path("Nodes").asInt(0),
        remotes,
        root.path("DockerRootDir").asText(""));
  }

  @Override
  public String initSwarm(String listenAddr, String advertiseAddr) throws EngineException {
    ObjectNode body = JSON.createObjectNode();
    body.put("ListenAddr", listenAddr);
    body.put("AdvertiseAddr", advertiseAddr);
    return call("POST", "/swarm/init", body, LONG, "POST /swarm/init").asText();
  }

  @Override
  public SwarmCluster swarm() throws EngineException {
    JsonNode s = call("GET", "/swarm", null, SHORT, "GET /swarm");
    JsonNode t = s.path("JoinTokens");
    return new SwarmCluster(
        s.path("ID").asText(),
        Secret.of(t.path("Worker").asText()),
        Secret.of(t.path("Manager").asText()));
  }

  @Override
  public void joinSwarm(JoinSpec spec) throws EngineException {
    ObjectNode body = JSON.createObjectNode();
    body.put("ListenAddr", spec.listenAddr());
    body.put("AdvertiseAddr", spec.advertiseAddr());
    var remotes = body.putArray("RemoteAddrs");
    spec.remoteAddrs().forEach(remotes::add);
    body.put("JoinToken", spec.token().reveal());
    call("POST", "/swarm/join", body, LONG, "POST /swarm/join " + spec.remoteAddrs());
  }

  @Override
  public void leaveSwarm(boolean force) throws EngineException {
    call("POST", "/swarm/leave?force=" + force, null, LONG, "POST /swarm/leave?force=" + force);
  }

  @Override
  public List<SwarmNode> nodes() throws EngineException {
    List<SwarmNode> out = new ArrayList<>();
    for (JsonNode n : call("GET", "/nodes", null, LONG, "GET /nodes")) {
      out.add(node(n));
    }
    return out;
  }

  @Override
  public SwarmNode node(String id) throws EngineException {
    return node(call("GET", "/nodes/" + enc(id), null, SHORT, "GET /nodes/" + id));
  }

  @Override
  public void updateNode(String id, long version, NodeSpec spec) throws EngineException {
    ObjectNode body = JSON.createObjectNode();
    if (spec.name() != null) {
      body.put("Name", spec.name());
    }
    ObjectNode labels = body.putObject("Labels");
    spec.labels().forEach(labels::put);
    body.put("Role", spec.role());
    body.put("Availability", spec.availability());
    call(
        "POST",
        "/nodes/" + enc(id) + "/update?version=" + version,
        body,
        SHORT,
        "POST /nodes/" + id + "/update");
  }

  @Override
  public void removeNode(String id, boolean force) throws EngineException {
    call(
        "DELETE",
        "/nodes/" + enc(id) + "?force=" + force,
        null,
        SHORT,
        "DELETE /nodes/" + id + "?force=" + force);
  }

  private static SwarmNode node(JsonNode n) {
    JsonNode spec = n.path("Spec");
    Map<String, String> labels = new LinkedHashMap<>();
    spec.path("Labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    JsonNode ms = n.path("ManagerStatus");
    return new SwarmNode(
        n.path("ID").asText(),
        n.path("Version").path("Index").asLong(),
        new NodeSpec(
            spec.hasNonNull("Name") ? spec.path("Name").asText() : null,
            labels,
            spec.path("Role").asText(),
            spec.path("Availability").asText()),
        n.path("Description").path("Hostname").asText(""),
        n.path("Status").path("State").asText("unknown"),
        n.path("Status").path("Addr").asText(""),
        ms.isObject() ? ms.path("Reachability").asText("unknown") : null,
        ms.path("Leader").asBoolean(false));
  }

  private JsonNode call(String method, String path, JsonNode body, Duration timeout, String shown)
      throws EngineException {
    HttpResponse r;
    Duration limit = deadline.cap(timeout);
    if (limit.isNegative() || limit.isZero()) {
      throw new EngineException(
          shown,
          EngineException.Failure.NO_ANSWER,
          "not sent: the " + deadline.name() + " deadline passed",
          null);
    }
    try {
      byte[] bytes = body == null ? null : JSON.writeValueAsBytes(body);
      r = http.send(method, API + path, bytes, limit);
    } catch (UnixSocketHttpClient.ConnectException e) {
      throw new EngineException(
          shown, EngineException.Failure.UNREACHABLE, e.getMessage() + " (is dockerd running?)", e);
    } catch (IOException e) {
      String why = e.getMessage();
      if (limit.compareTo(timeout) < 0) {
        why += " (the " + deadline.name() + " deadline)";
      }
      throw new EngineException(shown, EngineException.Failure.NO_ANSWER, why, e);
    }
    if (r.status() >= 400) {
      throw new EngineException(shown, r.status(), message(r));
    }
    if (r.body().length == 0) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      // Not e.getMessage(): it quotes the body, which may hold a join token (GET /swarm).
      throw new EngineException(
          shown, EngineException.Failure.NO_ANSWER, "the answer is not valid JSON", null);
    }
  }

  /** The engine's {"message": "..."} text, else the body itself (errors never hold tokens). */
  private static String message(HttpResponse r) {
    try {
      JsonNode n = JSON.readTree(r.body());
      if (n != null && n.hasNonNull("message")) {
        return n.path("message").asText();
      }
    } catch (IOException ignored) {
      // Not JSON: show the text.
    }
    String t = r.bodyText().trim();
    return t.length() > 500 ? t.substring(0, 500) + "..." : t;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
