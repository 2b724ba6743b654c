package io.muster.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.agent.observe.AgentMetrics;
import io.muster.agent.observe.NodeStatus;
import io.muster.agent.runtime.LoopWatch;
import io.muster.bootstrap.Membership;
import io.muster.bootstrap.NodeState;
import io.muster.bootstrap.StepResult;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.telemetry.Outcome;
import io.muster.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint on a real loopback socket (an ephemeral port), over a status the test drives. */
class HttpEndpointTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  final ManualClock clock = new ManualClock(T0);
  final LoopWatch loop = new LoopWatch();
  final NodeState.InMemory state = new NodeState.InMemory();
  final NodeStatus status =
      new NodeStatus(
          new NodeStatus.Setup(
              "prod",
              "1.2.3",
              NodeIdentity.of("i-self", "10.0.0.1"),
              "static",
              "static list (2 peers)",
              "file:/var/lib/muster/store",
              "exec",
              true,
              Duration.ofMinutes(5)),
          clock,
          clock,
          loop,
          state);
  final AgentMetrics metrics = new AgentMetrics("1.2.3", "static", "exec", false);
  HttpEndpoint endpoint;
  String base;

  record Response(int code, String type, String body) {}

  @BeforeEach
  void start() throws IOException {
    endpoint = new HttpEndpoint(new InetSocketAddress("127.0.0.1", 0), status, metrics);
    endpoint.start();
    base = "http://" + HttpAddress.format(endpoint.boundAddress());
  }

  @AfterEach
  void stop() {
    endpoint.stop();
  }

  Response get(String path) throws IOException {
    return request("GET", path);
  }

  Response request(String method, String path) throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection(Proxy.NO_PROXY);
    c.setRequestMethod(method);
    int code = c.getResponseCode();
    InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
    String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    c.disconnect();
    return new Response(code, c.getContentType(), body);
  }

  @Test
  void readyzIs503WithTheReasonUntilTheNodeIsAMemberThen200() throws IOException {
    assertThat(get("/readyz"))
        .isEqualTo(
            new Response(
                503,
                "text/plain; charset=utf-8",
                "not ready: starting: no join step has finished yet\n"));

    status.decided(
        new NodeState.StepRecord(
            T0, "wait", "the view changed 2s ago; stable after 10s", 2, "10.0.0.1"));
    status.stepEnded(
        new StepResult.Retry(
            Duration.ofSeconds(5), "waiting: the view changed 2s ago; stable after 10s"));
    assertThat(get("/readyz").code()).isEqualTo(503);
    assertThat(get("/readyz").body())
        .isEqualTo("not ready: waiting: the view changed 2s ago; stable after 10s\n");

    state.saveMembership(new Membership("prod", 1, "cid-1", T0));
    status.stepEnded(new StepResult.Done("formed prod generation 1 (cid-1)", true));
    assertThat(get("/readyz"))
        .isEqualTo(new Response(200, "text/plain; charset=utf-8", "ok: member of generation 1\n"));
    assertThat(get("/readyz?verbose").body())
        .isEqualTo(
            "[+] loop: the loop is alive\n"
                + "[+] shutdown: not stopping\n"
                + "[+] member: member of generation 1\n"
                + "ready\n");
  }

  @Test
  void livezFollowsTheLoop() throws IOException {
    assertThat(get("/livez")).isEqualTo(new Response(200, "text/plain; charset=utf-8", "ok\n"));

    loop.stepping("join loop", clock.instant());
    clock.advance(Duration.ofMinutes(6));

    Response r = get("/livez");
    assertThat(r.code()).isEqualTo(503);
    assertThat(r.body())
        .isEqualTo("the join loop step has been running for 6m (agent.liveness-timeout 5m)\n");
    assertThat(get("/readyz").code()).isEqualTo(503);
  }

  @Test
  void statusIsOneJsonDocumentWithEverythingAnOperatorAsks() throws IOException {
    status.discovery(
        "static",
        Outcome.OK,
        Duration.ofMillis(3),
        List.of(Peer.of("10.0.0.1"), Peer.of("10.0.0.2")),
        null);
    status.store("members", Outcome.THROTTLED, Duration.ofMillis(40), "ssm was throttled");
    status.adapter("exec", "inspect", Outcome.OK, null);
    status.decided(new NodeState.StepRecord(T0, "form", "this node is the seed", 2, "10.0.0.1"));
    state.saveMembership(new Membership("prod", 1, "cid-1", T0));
    status.stepEnded(new StepResult.Done("formed prod generation 1 (cid-1)", true));
    status.lifecycleState(() -> Map.of("state", "idle"));
    clock.advance(Duration.ofSeconds(90));

    Response r = get("/status");

    assertThat(r.code()).isEqualTo(200);
    assertThat(r.type()).isEqualTo("application/json; charset=utf-8");
    JsonNode s = new ObjectMapper().readTree(r.body());
    assertThat(s.path("source").asText()).isEqualTo("agent");
    assertThat(s.path("version").asText()).isEqualTo("1.2.3");
    assertThat(s.path("uptimeSeconds").asLong()).isEqualTo(90);
    assertThat(s.path("cluster").asText()).isEqualTo("prod");
    assertThat(s.path("member").asBoolean()).isTrue();
    assertThat(s.path("generation").asLong()).isEqualTo(1);
    assertThat(s.path("clusterId").asText()).isEqualTo("cid-1");
    assertThat(s.path("ready").path("ready").asBoolean()).isTrue();
    assertThat(s.path("node").path("instanceId").asText()).isEqualTo("i-self");
    assertThat(s.path("node").path("address").asText()).isEqualTo("10.0.0.1");
    assertThat(s.path("seed").asText()).isEqualTo("10.0.0.1");
    assertThat(s.path("view").path("size").asInt()).isEqualTo(2);
    assertThat(s.path("view").path("peers").toString()).isEqualTo("[\"10.0.0.1\",\"10.0.0.2\"]");
    assertThat(s.path("lastDecision").path("decision").asText()).isEqualTo("form");
    assertThat(s.path("lastDecision").path("reason").asText()).isEqualTo("this node is the seed");
    assertThat(s.path("lastStep").path("result").asText()).isEqualTo("member");
    assertThat(s.path("discovery").path("provider").asText()).isEqualTo("static");
    assertThat(s.path("discovery").path("lastSuccess").asText()).isEqualTo(T0.toString());
    assertThat(s.path("store").path("lastError").path("operation").asText())
        .isEqualTo("members (throttled)");
    assertThat(s.path("store").path("lastError").path("message").asText())
        .isEqualTo("ssm was throttled");
    assertThat(s.path("store").path("lastSuccess").isNull()).isTrue();
    assertThat(s.path("adapter").path("name").asText()).isEqualTo("exec");
    assertThat(s.path("adapter").path("lastError").isNull()).isTrue();
    assertThat(s.path("lifecycle").path("state").asText()).isEqualTo("idle");
  }

  @Test
  void metricsAreThePrometheusTextFormat() throws IOException {
    metrics.decision("wait");

    Response r = get("/metrics");

    assertThat(r.code()).isEqualTo(200);
    assertThat(r.type()).startsWith("text/plain; version=0.0.4");
    assertThat(r.body())
        .contains("muster_build_info{version=\"1.2.3\"} 1")
        .contains("muster_decisions_total{kind=\"wait\"} 1.0");
  }

  @Test
  void onlyReadsAndKnownPaths() throws IOException {
    assertThat(request("POST", "/status").code()).isEqualTo(405);
    assertThat(get("/admin").code()).isEqualTo(404);
    assertThat(request("HEAD", "/readyz").code()).isEqualTo(503);
  }

  @Test
  void afterStopThePortIsClosed() throws IOException {
    assertThat(get("/livez").code()).isEqualTo(200);

    endpoint.stop();

    assertThatThrownBy(() -> get("/livez")).isInstanceOf(ConnectException.class);
  }

  @Test
  void aPortInUseIsAClearErrorNamingTheKey() {
    HttpEndpoint second = new HttpEndpoint(endpoint.boundAddress(), status, metrics);

    assertThatThrownBy(second::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot serve HTTP on " + HttpAddress.format(endpoint.boundAddress()))
        .hasMessageContaining("agent.http-address");
  }
}
