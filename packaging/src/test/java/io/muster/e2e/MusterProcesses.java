package io.muster.e2e;

import io.muster.adapter.ejabberd.EjabberdNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A test's running muster processes (the shaded jar), by node index (0 is n1), with their stdout
 * and stderr in one directory. Waits and checks fail at once, with every process's stderr, when one
 * of them has exited.
 */
final class MusterProcesses {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath().toString();

  private final Path logDir;
  private final int tailLines;
  private final Supplier<String> moreOnFailure;
  private final Map<Integer, Process> running = new LinkedHashMap<>();

  /**
   * Logs go to {@code logDir}; a failed check prints the last {@code tailLines} of each process's
   * stderr, then {@code moreOnFailure}.
   */
  MusterProcesses(Path logDir, int tailLines, Supplier<String> moreOnFailure) {
    this.logDir = logDir;
    this.tailLines = tailLines;
    this.moreOnFailure = moreOnFailure;
  }

  /**
   * {@code muster COMMAND} for node {@code node}, run through {@code nsenter} (its namespace):
   * output to {@link #log} "agent.out" and "agent.err", no stdin, none of the host's AWS variables,
   * the SDK's instance metadata off and dummy keys (the fakes take any). The caller adds its
   * settings to the environment and {@link #start}s it.
   */
  ProcessBuilder command(int node, List<String> nsenter, String command) {
    List<String> argv = new ArrayList<>(nsenter);
    argv.addAll(
        List.of(
            JAVA,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-jar",
            MusterCli.JAR.toString(),
            command));
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .redirectOutput(log(node, "agent.out").toFile())
            .redirectError(log(node, "agent.err").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    MusterCli.configureEnvironment(env, Map.of());
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_ACCESS_KEY_ID", "AKIDMUSTERE2E000000");
    env.put("AWS_SECRET_ACCESS_KEY", "e2e-dummy-secret-not-a-real-one");
    return pb;
  }

  void start(int node, ProcessBuilder command) throws IOException {
    running.put(node, command.start());
  }

  Process get(int node) {
    return running.get(node);
  }

  /** Forgets node {@code node}'s process (it may exit now) and returns it, or null. */
  Process remove(int node) {
    return running.remove(node);
  }

  /** What node {@code node}'s process has written to stderr so far. */
  String stderr(int node) {
    return read(log(node, "agent.err"));
  }

  /** Node {@code node}'s file {@code name} ("n1-agent.err", ...). */
  Path log(int node, String name) {
    return logDir.resolve("n" + (node + 1) + "-" + name);
  }

  /** Waits for {@code done}; an exception it throws fails the wait. */
  void await(BooleanSupplier done, Duration limit, String what) throws Exception {
    await(done, limit, () -> what);
  }

  /**
   * Waits for {@code done}, an observer whose call may fail while the system settles: that is "not
   * yet", and the last such error is in the timeout's message.
   */
  void awaitSettling(BooleanSupplier done, Duration limit, String what) throws Exception {
    String[] lastError = {""};
    BooleanSupplier settled =
        () -> {
          try {
            return done.getAsBoolean();
          } catch (RuntimeException e) {
            lastError[0] = " (last error: " + e.getMessage() + ")";
            return false;
          }
        };
    await(settled, limit, () -> what + lastError[0]);
  }

  private void await(BooleanSupplier done, Duration limit, Supplier<String> what) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        String why = what.get();
        checked(
            () -> {
              throw new AssertionError("not within " + limit.toSeconds() + " s: " + why);
            });
      }
      for (Map.Entry<Integer, Process> p : running.entrySet()) {
        if (!p.getValue().isAlive()) {
          int node = p.getKey();
          checked(
              () -> {
                throw new AssertionError(
                    "muster agent on n" + (node + 1) + " exited " + p.getValue().exitValue());
              });
        }
      }
      Thread.sleep(250);
    }
  }

  /** Runs the checks; on failure prints every process's stderr and the caller's report. */
  void checked(ThrowingRunnable checks) throws Exception {
    try {
      checks.run();
    } catch (AssertionError | RuntimeException e) {
      StringBuilder b = new StringBuilder("FAILED: " + e.getMessage() + "\n");
      for (int node : running.keySet()) {
        b.append("---- n")
            .append(node + 1)
            .append(" agent stderr (last ")
            .append(tailLines)
            .append(" lines):\n");
        List<String> lines = stderr(node).lines().toList();
        b.append(
                String.join(
                    "\n", lines.subList(Math.max(0, lines.size() - tailLines), lines.size())))
            .append("\n");
      }
      b.append(moreOnFailure.get());
      System.out.println(b);
      throw e;
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /**
   * Stops every process with SIGTERM (the agent's own stop); one still running after {@code grace}
   * is killed and named in {@code leaks}.
   */
  void stop(Duration grace, List<String> leaks) throws InterruptedException {
    for (Map.Entry<Integer, Process> p : running.entrySet()) {
      p.getValue().destroy(); // SIGTERM: the agent's own stop
      if (!p.getValue().waitFor(grace.toSeconds(), TimeUnit.SECONDS)) {
        leaks.add("muster agent on n" + (p.getKey() + 1) + " ignored SIGTERM");
        p.getValue().destroyForcibly();
      }
    }
  }

  /** Copies every process's stdout and stderr to {@code to} (emptied first), for after the test. */
  void keepLogs(Path to) {
    try {
      EjabberdNode.deleteTree(to); // plain file work, for the swarm test too
      Files.createDirectories(to);
      try (Stream<Path> s = Files.list(logDir)) {
        for (Path p :
            s.filter(p -> p.toString().endsWith(".err") || p.toString().endsWith(".out"))
                .toList()) {
          Files.copy(p, to.resolve(p.getFileName()));
        }
      }
    } catch (IOException | RuntimeException e) {
      System.out.println("could not keep the agents' logs: " + e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
