package io.muster.adapter.swarm;

import io.muster.testing.TestNetwork;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real dockerd (Debian docker.io) inside one {@link TestNetwork} node namespace, with all of its
 * state under one directory, for integration tests. Reusable from other modules through this
 * module's test-jar.
 *
 * <p>How it stays off the host: it runs in the node's network namespace ({@code nsenter --net}, not
 * {@code ip netns exec}, which remounts /sys and breaks dockerd), with its own data root, exec
 * root, socket and pid file under {@code dir}, no iptables, no bridge, and in a private mount
 * namespace where {@code /run}, {@code /etc/docker} and {@code /opt} are bind mounts of directories
 * under {@code dir}: dockerd 20.10 otherwise writes {@code /etc/docker/key.json}, {@code
 * /run/docker/plugins} and {@code /opt/containerd} on the host, and its own mounts would show in
 * the host's mount table. {@code DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1}: no registry look-ups.
 *
 * <pre>
 * try (DockerdNode d = DockerdNode.start(net.node(0), dir.resolve("n1"))) {
 *   new HttpDockerEngine(d.socketPath()).info();
 * }
 * </pre>
 */
public final class DockerdNode implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  // Bind /run first so that mount's own bookkeeping (/run/mount) lands in the private copy.
  private static final String MOUNT_SCRIPT =
      "mount -n --bind \"$1\" /run && mount -n --bind \"$2\" /etc/docker"
          + " && mount -n --bind \"$3\" /opt && shift 3 && exec \"$@\"";

  private final TestNetwork.Node node;
  private final Path dir;
  private final Process process;
  private final Thread hook;

  private DockerdNode(TestNetwork.Node node, Path dir, Process process) {
    this.node = node;
    this.dir = dir;
    this.process = process;
    this.hook = new Thread(this::stopQuietly, "dockerd-stop-" + node.name());
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The dockerd binary; fails with the package to install when it is missing. */
  public static Path dockerdBinary() {
    for (String p : List.of("/usr/sbin/dockerd", "/usr/bin/dockerd")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    throw new IllegalStateException(
        "dockerd not found (/usr/sbin/dockerd, /usr/bin/dockerd): apt-get install docker.io");
  }

  /** The docker CLI that matches the Debian daemon (/usr/local/bin/docker may be newer). */
  public static Path dockerCli() {
    Path p = Path.of("/usr/bin/docker");
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException("/usr/bin/docker not found: apt-get install docker.io");
    }
    return p;
  }

  /**
   * Starts dockerd in {@code node}'s namespace with everything under {@code dir} (created if
   * missing; keep it short: unix socket paths are limited to 107 bytes) and waits until its API
   * answers.
   */
  public static DockerdNode start(TestNetwork.Node node, Path dir) {
    Path dockerd = dockerdBinary();
    for (String tool : List.of("/usr/bin/nsenter", "/usr/bin/unshare", "/usr/bin/mount")) {
      if (!Files.isExecutable(Path.of(tool))) {
        throw new IllegalStateException(tool + " not found: apt-get install util-linux mount");
      }
    }
    if (!Files.isDirectory(Path.of("/etc/docker"))) {
      throw new IllegalStateException(
          "/etc/docker is missing (the docker.io package creates it): apt-get install docker.io");
    }
    try {
      for (String d : List.of("run", "etc", "opt", "data", "exec")) {
        Files.createDirectories(dir.resolve(d));
      }
      Path socket = dir.resolve("docker.sock");
      if (socket.toString().length() > 100) {
        throw new IllegalArgumentException("directory path too long for a unix socket: " + dir);
      }
      List<String> argv = new ArrayList<>(node.nsenter());
      argv.addAll(
          List.of(
              "/usr/bin/unshare",
              "--mount",
              "--propagation",
              "private",
              "/bin/sh",
              "-c",
              MOUNT_SCRIPT,
              "sh",
              dir.resolve("run").toString(),
              dir.resolve("etc").toString(),
              dir.resolve("opt").toString(),
              dockerd.toString(),
              "--data-root",
              dir.resolve("data").toString(),
              "--exec-root",
              dir.resolve("exec").toString(),
              "-H",
              "unix://" + socket,
              "--pidfile",
              dir.resolve("docker.pid").toString(),
              "--iptables=false",
              "--ip-masq=false",
              "--bridge=none"));
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.environment().put("DOCKER_SERVICE_PREFER_OFFLINE_IMAGE", "1");
      pb.redirectErrorStream(true);
      pb.redirectOutput(dir.resolve("dockerd.log").toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      DockerdNode d = new DockerdNode(node, dir, pb.start());
      try {
        d.awaitApi();
      } catch (RuntimeException e) {
        d.stopQuietly();
        throw e;
      }
      return d;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start dockerd in " + node.namespace() + ": " + e, e);
    }
  }

  public TestNetwork.Node node() {
    return node;
  }

  public Path dir() {
    return dir;
  }

  public Path socketPath() {
    return dir.resolve("docker.sock");
  }

  /** The dockerd process id (nsenter, unshare and sh all exec, so it is the started process). */
  public long pid() {
    return process.pid();
  }

  /** An Engine API client for this daemon. */
  public DockerEngine engine() {
    return new HttpDockerEngine(socketPath());
  }

  /**
   * Runs the matching docker CLI against this daemon (never with secrets in argv) and returns
   * stdout; fails on a non-zero exit.
   */
  public String docker(String... args) {
    List<String> argv =
        new ArrayList<>(List.of(dockerCli().toString(), "-H", "unix://" + socketPath()));
    argv.addAll(List.of(args));
    try {
      Path config = Files.createDirectories(dir.resolve("cli"));
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.environment().put("DOCKER_CONFIG", config.toString());
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: docker " + String.join(" ", args));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "docker "
                + String.join(" ", args)
                + " exited "
                + p.exitValue()
                + ": "
                + new String(err, StandardCharsets.UTF_8).trim());
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run docker: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Freezes dockerd (SIGSTOP): to its peers it looks like a crashed node, without losing state. */
  public void pause() {
    signal("-STOP");
  }

  /** Undoes {@link #pause()}. */
  public void resume() {
    signal("-CONT");
  }

  /** The last lines of dockerd's log, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(dir.resolve("dockerd.log"), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Stops dockerd (SIGTERM, then SIGKILL after 20 s) and every process it started (its containerd).
   * The private mount namespace, and with it every mount dockerd made, goes away with them.
   */
  public void stop() {
    List<ProcessHandle> children = process.descendants().toList();
    if (process.isAlive()) {
      signal("-CONT"); // a paused daemon cannot act on SIGTERM
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // Already shutting down.
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Deletes a directory tree (dockerd's data root holds root-only modes; root may delete them). */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException ignored) {
      // Best effort (shutdown hook or failed start).
    }
  }

  private void awaitApi() {
    UnixSocketHttpClient http = new UnixSocketHttpClient(socketPath());
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "no answer yet";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "dockerd in "
                + node.namespace()
                + " exited with "
                + process.exitValue()
                + "; log tail:\n"
                + logTail(30));
      }
      try {
        HttpResponse r = http.send("GET", "/_ping", null, Duration.ofSeconds(5));
        if (r.status() == 200) {
          return;
        }
        last = "HTTP " + r.status();
      } catch (IOException e) {
        last = e.getMessage();
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException(
        "dockerd in "
            + node.namespace()
            + " did not answer on "
            + socketPath()
            + " within "
            + START_TIMEOUT.toSeconds()
            + "s ("
            + last
            + "); log tail:\n"
            + logTail(30));
  }

  private void signal(String sig) {
    if (!process.isAlive()) {
      return;
    }
    try {
      Process k = new ProcessBuilder("kill", sig, Long.toString(process.pid())).start();
      k.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot signal dockerd " + process.pid() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
