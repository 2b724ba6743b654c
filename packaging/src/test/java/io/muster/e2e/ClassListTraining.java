package io.muster.e2e;

import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeEc2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Trains the class list the package ships ({@code /usr/share/muster/muster.classlist}): runs the
 * built jar over every command path, the AWS SDK's included (ec2-tags discovery against a loopback
 * EC2 endpoint), each with {@code -XX:DumpLoadedClassList}, and merges what they loaded. The
 * archive itself is made from this list at install time ({@code muster-setup cds}), because a JVM
 * only accepts an archive that the same JDK build made.
 *
 * <p>Run in the package phase by exec-maven-plugin (packaging/pom.xml): {@code ClassListTraining
 * JAR EXAMPLE_CONFIG OUTPUT}. It lives with the tests because it uses their loopback fake EC2.
 */
public final class ClassListTraining {
  private ClassListTraining() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: ClassListTraining JAR EXAMPLE_CONFIG OUTPUT");
    }
    Path jar = Path.of(args[0]).toAbsolutePath();
    String example = Path.of(args[1]).toAbsolutePath().toString();
    Path output = Path.of(args[2]);
    Path work = Files.createTempDirectory("muster-classlist");
    Set<String> merged = new LinkedHashSet<>();
    try (FakeAwsQueryServer server = FakeAwsQueryServer.start()) {
      FakeEc2 ec2 = new FakeEc2(server);
      for (int i = 1; i <= 3; i++) {
        ec2.add(
            FakeEc2.Instance.running(String.format("i-%017x", i), "10.0.3." + i)
                .withTags(Map.of("cluster", "train")));
      }
      List<List<String>> paths =
          List.of(
              List.of("--version"),
              List.of("--help"),
              List.of("peers", "-c", example),
              List.of("peers", "-c", example, "--output", "json"),
              List.of("config", "check", "-c", example),
              List.of("iam-policy", "-c", example),
              List.of(
                  "peers",
                  "--discovery",
                  "ec2-tags",
                  "--tag",
                  "cluster=train",
                  "--endpoint-url",
                  server.endpoint().toString(),
                  "--region",
                  "eu-west-1",
                  "--node-address",
                  "10.0.3.2",
                  "--node-instance-id",
                  String.format("i-%017x", 2)));
      int n = 0;
      for (List<String> path : paths) {
        merged.addAll(stable(jar, work.resolve("run" + n++), path, work, false));
      }
      // The agent's path: started, left to run its first steps, stopped by SIGTERM as systemd does.
      merged.addAll(
          stable(jar, work.resolve("agent"), List.of("agent", "-c", example), work, true));
    }
    Files.createDirectories(output.toAbsolutePath().getParent());
    Files.write(output, ordered(merged), StandardCharsets.UTF_8);
    System.out.println("class list: " + merged.size() + " entries -> " + output);
  }

  /**
   * The merged list in an order that does not depend on thread timing (the package must be
   * reproducible): classes sorted, then the lambda lines sorted. The dump loads each named class
   * with its supertypes, so the order of classes does not matter to it.
   */
  static List<String> ordered(Set<String> lines) {
    List<String> out = new ArrayList<>();
    out.add("# Trained at package time by io.muster.e2e.ClassListTraining; merged and sorted.");
    lines.stream().filter(l -> !l.startsWith("#") && !l.startsWith("@")).sorted().forEach(out::add);
    lines.stream().filter(l -> l.startsWith("@")).sorted().forEach(out::add);
    return out;
  }

  /**
   * What a path loads in two runs: a class only one run loaded depends on thread timing (lock queue
   * nodes, a timer's first tick), and keeping it would make the package differ from build to build;
   * missing from the archive, it is simply loaded from the jar.
   */
  private static Set<String> stable(
      Path jar, Path prefix, List<String> args, Path work, boolean stopAfterStart)
      throws IOException, InterruptedException {
    Set<String> first =
        new LinkedHashSet<>(
            run(jar, Path.of(prefix + "-a.classlist"), args, Map.of(), work, stopAfterStart));
    first.retainAll(
        run(jar, Path.of(prefix + "-b.classlist"), args, Map.of(), work, stopAfterStart));
    return first;
  }

  private static List<String> run(
      Path jar,
      Path list,
      List<String> args,
      Map<String, String> env,
      Path work,
      boolean stopAfterStart)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xshare:off",
            "-XX:DumpLoadedClassList=" + list,
            "-cp",
            jar.toString(),
            "io.muster.cli.Main"));
    argv.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().keySet().removeIf(k -> k.startsWith("MUSTER_") || k.startsWith("AWS_"));
    pb.environment().putAll(MusterCli.NO_INSTANCE_METADATA);
    pb.environment().put("AWS_ACCESS_KEY_ID", "AKIDTRAINING");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "training-secret");
    // State and the file store go to the scratch directory, never to the example's /var/lib/muster.
    pb.environment().put("MUSTER_STATE_DIR", work.resolve("state").toString());
    pb.environment().put("MUSTER_STORE_FILE_DIR", work.resolve("store").toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(work.resolve(list.getFileName() + ".out").toFile());
    Process p = pb.start();
    if (stopAfterStart) {
      p.waitFor(5, TimeUnit.SECONDS);
      p.destroy(); // SIGTERM
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("muster " + args + " did not finish");
    }
    int code = p.exitValue();
    if (!stopAfterStart && code != 0) {
      throw new IllegalStateException(
          "training run muster "
              + args
              + " exited "
              + code
              + ":\n"
              + Files.readString(work.resolve(list.getFileName() + ".out")));
    }
    return Files.readAllLines(list, StandardCharsets.UTF_8);
  }
}
