package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code muster agent} as a real process (the shaded jar): static discovery, the file store, the
 * exec adapter running shell scripts that play a clustered system, and the HTTP endpoint on an
 * ephemeral loopback port. /readyz says why it is not ready, then 200; /metrics passes {@code
 * promtool check metrics} (Debian package prometheus); the documented alert rules pass {@code
 * promtool check rules}; /status carries its fields; {@code muster status} asks the agent; a
 * member's steady state logs nothing at info; after SIGTERM the agent exits 0 and its port is
 * closed.
 *
 * <p>Loopback only, no namespace: the node's address (10.0.0.1) is only a name in the static list,
 * nothing connects to it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ObservabilityE2EIT {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  record Response(int code, String body) {}

  @Test
  void aRunningAgentAnswersLivezReadyzStatusAndMetricsAndClosesItsPortOnSigterm() throws Exception {
    MusterCli.requireJar();
    Path promtool = requirePromtool();
    writeScripts();
    Path err = dir.resolve("agent.err");
    Process agent = start(err, "agent");
    try {
      String base = "http://" + boundAddress(agent, err);

      // Not a member yet: 503 with the reason, while the view must stay stable for 3 s.
      List<Response> before = new ArrayList<>();
      Response ready = get(base + "/readyz");
      while (ready.code() != 200) {
        before.add(ready);
        assertThat(agent.isAlive()).as(tail(err)).isTrue();
        Thread.sleep(100);
        ready = get(base + "/readyz");
      }
      assertThat(before).as("answers before the node was a member").isNotEmpty();
      assertThat(before).allSatisfy(r -> assertThat(r.code()).isEqualTo(503));
      assertThat(before).allSatisfy(r -> assertThat(r.body()).startsWith("not ready: "));
      assertThat(before)
          .as("the reason carries the decision's numbers")
          .anySatisfy(r -> assertThat(r.body()).startsWith("not ready: waiting: ").contains("3s"));
      assertThat(ready.body()).isEqualTo("ok: member of generation 1\n");
      assertThat(get(base + "/readyz?verbose").body())
          .contains("[+] loop: ")
          .contains("[+] member: member of generation 1")
          .endsWith("ready\n");
      assertThat(get(base + "/livez")).isEqualTo(new Response(200, "ok\n"));

      // /metrics: the real exposition through promtool.
      Response metrics = get(base + "/metrics");
      assertThat(metrics.code()).isEqualTo(200);
      Path metricsFile = Files.writeString(dir.resolve("metrics.txt"), metrics.body());
      assertThat(run(List.of(promtool.toString(), "check", "metrics"), metricsFile))
          .as("promtool check metrics")
          .isEqualTo(new Response(0, ""));
      assertThat(metrics.body())
          .contains("muster_member 1.0")
          .contains("muster_build_info{version=\"")
          .contains("muster_decisions_total{kind=\"form\"} 1.0")
          .contains(
              "muster_adapter_operations_total{adapter=\"exec\",outcome=\"ok\",verb=\"form\"} 1.0")
          .contains("muster_join_duration_seconds_count 1")
          .contains("jvm_memory_used_bytes")
          .doesNotContain("10.0.0.1");

      // The documented alerts are valid rules.
      Path rules = Files.writeString(dir.resolve("rules.yml"), documentedAlertRules());
      Response checked =
          run(List.of(promtool.toString(), "check", "rules", rules.toString()), null);
      assertThat(checked.code()).as(checked.body()).isZero();
      assertThat(checked.body()).contains("SUCCESS: 4 rules found");

      // /status: one JSON document with the documented fields.
      JsonNode status = JSON.readTree(get(base + "/status").body());
      assertThat(status.path("source").asText()).isEqualTo("agent");
      assertThat(status.path("cluster").asText()).isEqualTo("demo");
      assertThat(status.path("member").asBoolean()).isTrue();
      assertThat(status.path("generation").asLong()).isEqualTo(1);
      assertThat(status.path("clusterId").asText()).isNotBlank();
      assertThat(status.path("ready").path("ready").asBoolean()).isTrue();
      assertThat(status.path("node").path("instanceId").asText()).isEqualTo("n1");
      assertThat(status.path("node").path("address").asText()).isEqualTo("10.0.0.1");
      assertThat(status.path("seed").asText()).isEqualTo("10.0.0.1");
      assertThat(status.path("view").path("size").asInt()).isEqualTo(1);
      assertThat(status.path("lastDecision").path("decision").asText()).isEqualTo("form");
      assertThat(status.path("lastDecision").path("reason").asText()).isNotBlank();
      assertThat(status.path("lastStep").path("result").asText()).isEqualTo("member");
      assertThat(status.path("discovery").path("provider").asText()).isEqualTo("static");
      assertThat(status.path("store").path("describe").asText()).contains("store");
      assertThat(status.path("store").path("lastSuccess").isTextual()).isTrue();
      assertThat(status.path("adapter").path("name").asText()).isEqualTo("exec");
      assertThat(status.path("adapter").path("lastSuccess").isTextual()).isTrue();
      assertThat(status.has("lifecycle")).isTrue();
      assertThat(status.path("version").asText()).isNotBlank();
      assertThat(status.path("uptimeSeconds").isNumber()).isTrue();

      // `muster status` asks the live agent.
      String address = base.substring("http://".length());
      MusterCli.Result cli = statusCommand(address);
      assertThat(cli.code()).as(cli.describe()).isZero();
      JsonNode asked = JSON.readTree(cli.out());
      assertThat(asked.path("source").asText()).isEqualTo("agent");
      assertThat(asked.path("url").asText()).isEqualTo(base + "/status");

      // A member's steady state is quiet: re-checks every second, nothing logged at info.
      int linesAsMember = logLines(err).size();
      Thread.sleep(3_500);
      assertThat(logLines(err).subList(linesAsMember, logLines(err).size()))
          .as("log lines of three re-checks as a member")
          .isEmpty();
      assertThat(events(err)).contains("http-listening", "decision", "claimed", "formed", "member");

      // SIGTERM: the agent stops and closes its port.
      agent.destroy();
      assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as(tail(err)).isTrue();
      assertThat(agent.exitValue()).as("exit code on SIGTERM\n" + tail(err)).isZero();
      assertThat(events(err)).contains("stopping");
      assertThatThrownBy(() -> get(base + "/livez")).isInstanceOf(ConnectException.class);
    } finally {
      agent.destroyForcibly();
      agent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  // ---- the clustered system the exec adapter drives: files under dir/system

  void writeScripts() throws IOException {
    Path system = Files.createDirectories(dir.resolve("system"));
    script(
        system,
        "form.sh",
        "printf '{\"cookie\":\"%s\"}' \"$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \\n')\""
            + " > \"$MUSTER_CREDENTIALS_FILE\"\n"
            + "echo formed > $S/$MUSTER_NODE_INSTANCE_ID.member\n");
    script(
        system,
        "join.sh",
        "echo \"via $MUSTER_JOIN_ADDRESS\" > $S/$MUSTER_NODE_INSTANCE_ID.member\n");
    script(
        system,
        "inspect.sh",
        "if [ -f $S/$MUSTER_NODE_INSTANCE_ID.member ]; then echo member; else echo standalone; fi\n");
    script(system, "leave.sh", "rm -f $S/$MUSTER_NODE_INSTANCE_ID.member\n");
  }

  void script(Path system, String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\nset -e\nS=" + system + "\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  Map<String, String> env(String httpAddress) {
    Map<String, String> e = new HashMap<>();
    e.put("MUSTER_CLUSTER_NAME", "demo");
    e.put("MUSTER_DISCOVERY_PROVIDER", "static");
    e.put("MUSTER_DISCOVERY_STATIC_PEERS", "n1=10.0.0.1");
    e.put("MUSTER_NODE_ADDRESS", "10.0.0.1");
    e.put("MUSTER_NODE_INSTANCE_ID", "n1");
    e.put("MUSTER_STORE_PROVIDER", "file");
    e.put("MUSTER_STORE_FILE_DIR", dir.resolve("store").toString());
    e.put("MUSTER_STATE_DIR", dir.resolve("state").toString());
    e.put("MUSTER_ELECTION_STABLE_FOR", "3s");
    e.put("MUSTER_DISCOVERY_INTERVAL", "200ms");
    e.put("MUSTER_AGENT_CHECK_INTERVAL", "1s");
    e.put("MUSTER_ADAPTER_NAME", "exec");
    e.put("MUSTER_ADAPTER_EXEC_FORM", dir.resolve("form.sh").toString());
    e.put("MUSTER_ADAPTER_EXEC_JOIN", dir.resolve("join.sh").toString());
    e.put("MUSTER_ADAPTER_EXEC_INSPECT", dir.resolve("inspect.sh").toString());
    e.put("MUSTER_ADAPTER_EXEC_LEAVE", dir.resolve("leave.sh").toString());
    e.put("MUSTER_LOG_FORMAT", "json");
    e.put("MUSTER_AGENT_HTTP_ADDRESS", httpAddress);
    return e;
  }

  Process start(Path err, String... args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-jar");
    argv.add(MusterCli.JAR.toString());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv);
    MusterCli.configureEnvironment(pb.environment(), env("127.0.0.1:0"));
    pb.redirectOutput(dir.resolve("agent.out").toFile());
    pb.redirectError(err.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return pb.start();
  }

  MusterCli.Result statusCommand(String httpAddress) throws Exception {
    List<String> argv =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            MusterCli.JAR.toString(),
            "status",
            "--output",
            "json");
    ProcessBuilder pb = new ProcessBuilder(argv);
    MusterCli.configureEnvironment(pb.environment(), env(httpAddress));
    Path out = dir.resolve("status.out");
    Path err = dir.resolve("status.err");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    long start = System.nanoTime();
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new MusterCli.Result(
        "status",
        p.exitValue(),
        Files.readString(out),
        Files.readString(err),
        start,
        System.nanoTime());
  }

  /** The address the agent logged with event http-listening (it was asked for port 0). */
  static String boundAddress(Process agent, Path err) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (JsonNode line : logLines(err)) {
        if ("http-listening".equals(line.path("event").asText())) {
          return line.path("address").asText();
        }
      }
      assertThat(agent.isAlive()).as(tail(err)).isTrue();
      Thread.sleep(100);
    }
    throw new AssertionError("the agent logged no http-listening event:\n" + tail(err));
  }

  static List<JsonNode> logLines(Path err) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    if (!Files.exists(err)) {
      return lines;
    }
    for (String l : Files.readAllLines(err, StandardCharsets.UTF_8)) {
      if (l.startsWith("{")) {
        lines.add(JSON.readTree(l));
      }
    }
    return lines;
  }

  static List<String> events(Path err) throws IOException {
    return logLines(err).stream()
        .map(l -> l.path("event").asText(""))
        .filter(e -> !e.isEmpty())
        .toList();
  }

  static String tail(Path err) {
    try {
      return MusterCli.tail(Files.readString(err), 40);
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }

  static Response get(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection(Proxy.NO_PROXY);
    c.setConnectTimeout(5_000);
    c.setReadTimeout(5_000);
    try {
      int code = c.getResponseCode();
      InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
      return new Response(
          code, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      c.disconnect();
    }
  }

  /** Runs a command, stdin from {@code input} (or nothing), and returns its code and output. */
  static Response run(List<String> argv, Path input) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.redirectInput(
        input == null
            ? ProcessBuilder.Redirect.from(new File("/dev/null"))
            : ProcessBuilder.Redirect.from(input.toFile()));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Response(p.exitValue(), out);
  }

  /** The alert rules of docs/observability.md: the YAML block that starts with "groups:". */
  static String documentedAlertRules() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "observability.md"));
    int start = doc.indexOf("```yaml\ngroups:");
    assertThat(start).as("docs/observability.md has its alert rules").isNotNegative();
    int from = start + "```yaml\n".length();
    return doc.substring(from, doc.indexOf("```", from));
  }

  static Path requirePromtool() {
    Optional<Path> found =
        List.of("/usr/bin/promtool", "/usr/local/bin/promtool").stream()
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();
    return found.orElseThrow(
        () ->
            new IllegalStateException(
                "promtool is missing: apt-get install prometheus (listed in .ci/run)"));
  }
}
