package io.muster.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One muster process of the shaded jar in the host's network namespace, for tests of the process
 * itself (signals, exit codes, files left behind) that need no cluster software: a single node on
 * loopback with the static discovery, the file store and exec scripts. Configured only by {@code
 * MUSTER_*} variables; stderr goes to a file the test can wait on.
 */
final class LocalMuster implements AutoCloseable {
  final Process process;
  final Path err;
  final Path out;

  private LocalMuster(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /**
   * The environment of a one-node cluster {@code name} on 127.0.0.1 with its files in {@code dir}.
   */
  static Map<String, String> oneNode(Path dir, String name) {
    Map<String, String> env = new HashMap<>();
    env.put("MUSTER_CLUSTER_NAME", name);
    env.put("MUSTER_DISCOVERY_PROVIDER", "static");
    env.put("MUSTER_DISCOVERY_STATIC_PEERS", "n1=127.0.0.1");
    env.put("MUSTER_NODE_ADDRESS", "127.0.0.1");
    env.put("MUSTER_NODE_INSTANCE_ID", "n1");
    env.put("MUSTER_STORE_PROVIDER", "file");
    env.put("MUSTER_STORE_FILE_DIR", dir.resolve("store").toString());
    env.put("MUSTER_STATE_DIR", dir.resolve("state").toString());
    env.put("MUSTER_ELECTION_STABLE_FOR", "0s");
    env.put("MUSTER_ADAPTER_EXEC_FORM", "/bin/true");
    env.put("MUSTER_ADAPTER_EXEC_JOIN", "/bin/true");
    // A free port: the default 127.0.0.1:9797 is shared by every test on this host.
    env.put("MUSTER_AGENT_HTTP_ADDRESS", "127.0.0.1:0");
    return env;
  }

  static LocalMuster start(Path dir, String label, Map<String, String> env, String... args) {
    return start(dir, label, env, List.of(), args);
  }

  /**
   * @param prefix what runs muster, e.g. {@code sh -c 'umask 000; exec "$0" "$@"'}
   */
  static LocalMuster start(
      Path dir, String label, Map<String, String> env, List<String> prefix, String... args) {
    MusterCli.requireJar();
    List<String> argv = new ArrayList<>(prefix);
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-jar");
    argv.add(MusterCli.JAR.toString());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv);
    MusterCli.configureEnvironment(pb.environment(), env);
    Path out = dir.resolve(label + ".out");
    Path err = dir.resolve(label + ".err");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      return new LocalMuster(pb.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String stderr() {
    return read(err);
  }

  String stdout() {
    return read(out);
  }

  /** Waits until stderr holds a line matching {@code line}; fails when the process exits first. */
  void awaitLog(Predicate<String> line, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (stderr().lines().anyMatch(line)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "muster exited " + process.exitValue() + " before the expected line:\n" + stderr());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no expected line within " + timeout + ":\n" + stderr());
  }

  /** Sends a signal by name (TERM, HUP, KILL, ...) with kill(1). */
  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("muster still running after " + timeout + ":\n" + stderr());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
