package io.muster.e2e;

import io.muster.testing.TestNetwork;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shaded jar ({@code target/muster.jar}, built in the package phase) exactly as an
 * operator would, {@code java -jar muster.jar ARGS}, inside one test node's network namespace,
 * configured only by {@code MUSTER_*} environment variables (and {@link #NO_INSTANCE_METADATA}).
 * stdout and stderr go to files, so a failure can show them and a test can scan them for secrets.
 */
final class MusterCli {
  static final Path JAR = Path.of("target", "muster.jar").toAbsolutePath();

  /** One finished muster process. Times are {@link System#nanoTime()} values. */
  record Result(String label, int code, String out, String err, long startNanos, long endNanos) {
    long millis() {
      return (endNanos - startNanos) / 1_000_000;
    }

    /** For assertion messages: the exit code and both outputs (the tail of stderr). */
    String describe() {
      return "muster "
          + label
          + " exited "
          + code
          + " after "
          + millis()
          + " ms\n--- stdout\n"
          + out
          + "--- stderr (tail)\n"
          + tail(err, 40);
    }
  }

  /**
   * Given to every muster child before the test's own variables (which may override them). A child
   * JVM has no network guard, and no end-to-end test needs instance metadata (each sets
   * node.address): muster's own lookups go to a loopback port where nothing listens, and the AWS
   * SDK's are off, so no child can reach 169.254.169.254.
   */
  static final Map<String, String> NO_INSTANCE_METADATA =
      Map.of(
          "MUSTER_NODE_IMDS_ENDPOINT", "http://127.0.0.1:9", "AWS_EC2_METADATA_DISABLED", "true");

  private MusterCli() {}

  /** Fails with what to do when the jar has not been built. */
  static void requireJar() {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(
          JAR
              + " is missing: run this test through `mvn -pl packaging -am verify` (the shaded jar"
              + " is built in the package phase, before the integration tests)");
    }
  }

  /**
   * A child's environment: the inherited one without any {@code MUSTER_*} variable, then {@link
   * #NO_INSTANCE_METADATA}, then the test's own {@code env}.
   */
  static void configureEnvironment(Map<String, String> environment, Map<String, String> env) {
    environment.keySet().removeIf(k -> k.startsWith("MUSTER_"));
    environment.putAll(NO_INSTANCE_METADATA);
    environment.putAll(env);
  }

  /**
   * Runs {@code muster ARGS} in {@code node}'s namespace with {@code env} (any inherited {@code
   * MUSTER_*} variable is dropped) and waits for it; the outputs are written to {@code
   * logDir/label.out|.err}. A process still running after {@code timeout} is killed and reported.
   */
  static Result run(
      TestNetwork.Node node,
      Map<String, String> env,
      Path logDir,
      String label,
      Duration timeout,
      String... args) {
    List<String> argv = new ArrayList<>(node.nsenter());
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-jar");
    argv.add(JAR.toString());
    argv.addAll(List.of(args));
    Path out = logDir.resolve(label + ".out");
    Path err = logDir.resolve(label + ".err");
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.directory(JAR.getParent().getParent().toFile());
    configureEnvironment(pb.environment(), env);
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      Files.createDirectories(logDir);
      long start = System.nanoTime();
      Process p = pb.start();
      boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long end = System.nanoTime();
      if (!exited) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        Result r = new Result(label, -1, read(out), read(err), start, end);
        throw new AssertionError(
            "muster "
                + label
                + " still running after "
                + timeout.toSeconds()
                + "s; killed.\n"
                + r.describe());
      }
      return new Result(label, p.exitValue(), read(out), read(err), start, end);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running muster " + label, e);
    }
  }

  private static String read(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    int from = Math.max(0, all.length - lines);
    return String.join("\n", List.of(all).subList(from, all.length));
  }
}
