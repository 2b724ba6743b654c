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
 * Runs the shaded jar ({@code target/muster.jar}, built in the package phase) as the launcher does,
 * {@code java LAUNCHER_FLAGS [class-data archive] -jar muster.jar ARGS}, inside one test node's
 * network namespace, configured only by {@code MUSTER_*} environment variables (and {@link
 * #NO_INSTANCE_METADATA}). stdout and stderr go to files, so a failure can show them and a test can
 * scan them for secrets.
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

  /** The launcher's ({@code ./muster}) start-up flags: C1 only, the serial GC, small stacks. */
  static final List<String> LAUNCHER_FLAGS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");

  private static final List<String> QUIET_CDS = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

  /** The JVM flags every run gets: {@link #LAUNCHER_FLAGS}, then the archive once made. */
  private static volatile List<String> jvmFlags = LAUNCHER_FLAGS;

  private MusterCli() {}

  /**
   * Makes a class-data archive (AppCDS) of the shaded jar, as the launcher does on its first run,
   * by running {@code muster join --dry-run} once with {@code env} in {@code node}'s namespace;
   * every later run uses it. Made before the measured processes start: several processes starting
   * at once would race to write it. Returns the flags that use it.
   */
  static synchronized List<String> useClassDataArchive(
      TestNetwork.Node node, Map<String, String> env, Path logDir) {
    Path jsa = JAR.resolveSibling("e2e-muster.jsa");
    try {
      Files.deleteIfExists(jsa);
      List<String> argv = new ArrayList<>(node.nsenter());
      argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      argv.addAll(LAUNCHER_FLAGS);
      argv.add("-XX:ArchiveClassesAtExit=" + jsa);
      argv.addAll(QUIET_CDS);
      argv.addAll(List.of("-jar", JAR.toString(), "join", "--dry-run"));
      Files.createDirectories(logDir);
      ProcessBuilder pb = new ProcessBuilder(argv);
      configureEnvironment(pb.environment(), env);
      pb.redirectOutput(logDir.resolve("cds-archive.out").toFile());
      pb.redirectError(logDir.resolve("cds-archive.err").toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("making the class-data archive took over 120 s");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the class-data archive " + jsa, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (!Files.isRegularFile(jsa)) {
      throw new IllegalStateException(
          "no class-data archive at " + jsa + " after `muster join --dry-run`; see " + logDir);
    }
    List<String> flags = new ArrayList<>(LAUNCHER_FLAGS);
    flags.add("-XX:SharedArchiveFile=" + jsa);
    flags.addAll(QUIET_CDS);
    jvmFlags = List.copyOf(flags);
    return jvmFlags;
  }

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
    argv.addAll(jvmFlags);
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
