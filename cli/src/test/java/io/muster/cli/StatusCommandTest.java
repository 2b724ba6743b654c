package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code muster status} asks the agent on agent.http-address first (here a stand-in serving a
 * recorded /status document on an ephemeral loopback port), and reads the files when none answers,
 * saying which it did.
 */
class StatusCommandTest {
  static final String AGENT_STATUS =
      "{\"source\":\"agent\",\"version\":\"0.1.0\",\"uptimeSeconds\":42,\"cluster\":\"demo\","
          + "\"member\":true,\"generation\":1,\"clusterId\":\"cid-1\","
          + "\"since\":\"2026-11-21T10:00:12Z\","
          + "\"ready\":{\"ready\":true,\"reason\":\"member of generation 1\"},"
          + "\"node\":{\"instanceId\":\"n1\",\"address\":\"10.0.0.1\",\"hostname\":\"n1\"},"
          + "\"seed\":\"10.0.0.1\",\"view\":{\"at\":\"2026-11-21T10:00:11Z\",\"size\":1,"
          + "\"peers\":[\"10.0.0.1\"]},\"lastDecision\":{\"at\":\"2026-11-21T10:00:11Z\","
          + "\"decision\":\"form\",\"reason\":\"this node is the seed\",\"viewSize\":1,"
          + "\"seed\":\"10.0.0.1\"},\"lastStep\":null,"
          + "\"discovery\":{\"provider\":\"static\",\"describe\":\"static\","
          + "\"lastSuccess\":\"2026-11-21T10:00:11Z\",\"lastError\":null},"
          + "\"store\":{\"describe\":\"file:/x\",\"lastSuccess\":null,\"lastError\":{"
          + "\"at\":\"2026-11-21T10:00:10Z\",\"operation\":\"members (throttled)\","
          + "\"message\":\"slow down\"}},"
          + "\"adapter\":{\"name\":\"exec\",\"lastSuccess\":null,\"lastError\":null},"
          + "\"lifecycle\":null}";

  @TempDir Path dir;
  HttpServer agent;

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.stop(0);
    }
  }

  String startAgent(String body) throws IOException {
    agent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    agent.createContext(
        "/status",
        ex -> {
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
          }
        });
    agent.start();
    return "127.0.0.1:" + agent.getAddress().getPort();
  }

  Map<String, String> env(String httpAddress) {
    Map<String, String> e = new HashMap<>();
    e.put("MUSTER_STORE_PROVIDER", "file");
    e.put("MUSTER_STORE_FILE_DIR", dir.resolve("store").toString());
    e.put("MUSTER_STATE_DIR", dir.resolve("state").toString());
    e.put("MUSTER_AGENT_HTTP_ADDRESS", httpAddress);
    return e;
  }

  MainTest.Run status(String httpAddress, String output) {
    return MainTest.run(
        env(httpAddress),
        "status",
        "--output",
        output,
        "--cluster",
        "demo",
        "--discovery",
        "static",
        "--peers",
        "n1=10.0.0.1",
        "--adapter",
        "exec",
        "--node-address",
        "10.0.0.1");
  }

  @Test
  void asksTheRunningAgentFirstAndSaysSo() throws Exception {
    String address = startAgent(AGENT_STATUS);

    MainTest.Run json = status(address, "json");
    MainTest.Run text = status(address, "text");

    assertThat(json.code()).as(json.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(json.out());
    assertThat(j.path("source").asText()).isEqualTo("agent");
    assertThat(j.path("url").asText()).isEqualTo("http://" + address + "/status");
    assertThat(j.path("generation").asLong()).isEqualTo(1);
    assertThat(text.code()).isZero();
    assertThat(text.out())
        .contains("source:      agent at http://" + address + "/status (version 0.1.0, up 42s)")
        .contains("member:      yes, generation 1 (cid-1) since 2026-11-21T10:00:12Z")
        .contains("ready:       yes: member of generation 1")
        .contains("last step:   2026-11-21T10:00:11Z form (view 1): this node is the seed")
        .contains(
            "store:       file:/x, last success never; last error 2026-11-21T10:00:10Z members"
                + " (throttled): slow down");
  }

  @Test
  void anAgentThatIsNotAMemberExitsOne() throws Exception {
    String address = startAgent(AGENT_STATUS.replace("\"member\":true", "\"member\":false"));

    assertThat(status(address, "json").code()).isEqualTo(1);
  }

  @Test
  void withNoAgentAnsweringItReadsTheFilesAndSaysWhy() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // free once closed: nothing answers there
    }

    MainTest.Run json = status("127.0.0.1:" + closed, "json");
    MainTest.Run text = status("127.0.0.1:" + closed, "text");

    assertThat(json.code()).as("not a member").isEqualTo(1);
    JsonNode j = new ObjectMapper().readTree(json.out());
    assertThat(j.path("source").asText()).isEqualTo("files");
    assertThat(j.path("agent").asText())
        .startsWith("no agent answered at http://127.0.0.1:" + closed + "/status (")
        .contains("Connect");
    assertThat(text.out()).startsWith("source:      files (no agent answered at http://127.0.0.1:");
  }

  @Test
  void anEmptyAddressMeansNoAgentToAsk() throws Exception {
    MainTest.Run json = status("", "json");

    JsonNode j = new ObjectMapper().readTree(json.out());
    assertThat(j.path("source").asText()).isEqualTo("files");
    assertThat(j.path("agent").asText()).isEqualTo("agent.http-address is empty: no agent to ask");
  }
}
