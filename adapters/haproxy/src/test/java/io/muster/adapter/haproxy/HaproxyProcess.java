package io.muster.adapter.haproxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy in master-worker mode for integration tests: one frontend on a free 127.0.0.1
 * port, one backend {@code app} whose servers live in muster's managed block, an admin stats socket
 * and a master CLI socket in the test's own directory. It runs in the foreground as our child, so
 * {@link #close()} can stop it and every worker it forked.
 */
final class HaproxyProcess implements AutoCloseable {
  static final String BACKEND = "app";

  private final Path dir;
  private final int frontendPort;
  private Process process;
  private final List<ProcessHandle> seen = new ArrayList<>();

  private final Thread hook;

  private HaproxyProcess(Path dir, int frontendPort) {
    this.dir = dir;
    this.frontendPort = frontendPort;
    // Should the JVM die before close(), no HAProxy may outlive it.
    this.hook =
        new Thread(
            () -> {
              try {
                stop();
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
            },
            "haproxy-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Fails (never skips) when HAProxy is not installed. */
  static void requireInstalled() {
    try {
      Process p = new ProcessBuilder("haproxy", "-v").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.contains("HAProxy")) {
        throw new AssertionError("`haproxy -v` failed: " + out);
      }
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(
          "this integration test needs HAProxy 2.6+ on PATH: apt-get install haproxy (" + e + ")",
          e);
    }
  }

  /** Writes the configuration with the given server lines in the managed block and starts. */
  static HaproxyProcess start(Path dir, List<String> serverLines) throws Exception {
    requireInstalled();
    HaproxyProcess h = new HaproxyProcess(dir, freePort());
    Files.writeString(h.config(), h.render(serverLines));
    try {
      h.launch();
    } catch (Exception | AssertionError e) {
      h.close();
      throw e;
    }
    return h;
  }

  /** The whole configuration, as an operator's template would render it. */
  String render(List<String> serverLines) {
    StringBuilder servers = new StringBuilder();
    for (String l : serverLines) {
      servers.append("    ").append(l).append('\n');
    }
    return """
        global
            stats socket %1$s/admin.sock mode 600 level admin expose-fd listeners
            stats timeout 30s
            log stderr format short local0 warning

        defaults
            mode http
            log global
            timeout connect 2s
            timeout client 30s
            timeout server 30s

        frontend fe
            bind 127.0.0.1:%2$d
            default_backend %3$s

        backend %3$s
            balance roundrobin
            %4$s
        %5$s    %6$s
        """
        .formatted(
            dir,
            frontendPort,
            BACKEND,
            ManagedConfig.BEGIN + ": managed by muster (adapter.haproxy), edits are overwritten",
            servers,
            ManagedConfig.END);
  }

  Path config() {
    return dir.resolve("haproxy.cfg");
  }

  Path runtimeSocket() {
    return dir.resolve("admin.sock");
  }

  Path masterSocket() {
    return dir.resolve("master.sock");
  }

  int frontendPort() {
    return frontendPort;
  }

  RuntimeApi runtime() {
    return new UnixSocketRuntimeApi(runtimeSocket(), Duration.ofSeconds(10));
  }

  RuntimeApi master() {
    return new UnixSocketRuntimeApi(masterSocket(), Duration.ofSeconds(10));
  }

  /** Server names of the backend in the running worker. */
  List<String> runningServers() throws IOException {
    return RuntimeReplies.serversState(runtime().execute("show servers state " + BACKEND)).stream()
        .map(RunningServer::name)
        .sorted()
        .toList();
  }

  /** Stops HAProxy and starts it again from the files on disk (a full restart, not a reload). */
  void restart() throws Exception {
    stop();
    launch();
  }

  private void launch() throws Exception {
    Files.deleteIfExists(runtimeSocket());
    Files.deleteIfExists(masterSocket());
    process =
        new ProcessBuilder(
                "haproxy",
                "-W",
                "-S",
                masterSocket() + ",mode,600",
                "-f",
                config().toString(),
                "-p",
                dir.resolve("haproxy.pid").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      try {
        runtime().execute("show info");
        master().execute("show proc");
        process.descendants().forEach(seen::add);
        return;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError(
              "HAProxy did not start; its log:\n" + Files.readString(dir.resolve("haproxy.log")),
              e);
        }
        Thread.sleep(50);
      }
    }
  }

  String log() throws IOException {
    return Files.readString(dir.resolve("haproxy.log"));
  }

  private synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    List<ProcessHandle> all = new ArrayList<>(seen);
    process.descendants().forEach(all::add);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    // Workers the master forked (also old ones from reloads) must not outlive the test.
    for (ProcessHandle h : all) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    seen.clear();
    process = null;
  }

  /** Records worker pids (reloads fork new ones) so that close() can kill them all. */
  void noteWorkers() {
    if (process != null) {
      process.descendants().forEach(seen::add);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyExiting) {
      // The hook runs anyway.
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
