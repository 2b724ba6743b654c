package io.muster.e2e;

import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeEc2;
import io.muster.testing.FakeSsmServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Trains the class list the package ships ({@code /usr/share/muster/muster.classlist}): runs the
 * built jar over every command path, the AWS SDK's included (ec2-tags discovery against a loopback
 * EC2 endpoint), each with {@code -XX:DumpLoadedClassList}, and merges what they loaded. The
 * archive itself is made from this list at install time ({@code muster-setup cds}), because a JVM
 * only accepts an archive that the same JDK build made.
 *
 * <p>A second list, {@code agent-static.classlist}, holds only what the member agent of a
 * static/file configuration (no AWS) loads: the launcher maps its archive for {@code agent} and
 * {@code join} of such a configuration, because every archive page the long-running agent touches
 * counts in its resident memory, and in the one archive of every path its classes share pages with
 * the AWS SDK's (10 MB, docs/performance.md). An archive of the static and the AWS agents' classes
 * together bought 1 MB at most and was dropped.
 *
 * <p>The lists must be the same from build to build (the package is reproducible): each path runs
 * twice and only what both runs loaded is kept; the agent is stopped at a fixed point of its work
 * (its first decision), not after a fixed time, so a loaded machine does not cut it short; classes
 * that only thread timing or the JCA's lazy provider list load are filtered out ({@link
 * #UNSTABLE}); the result is sorted.
 *
 * <p>Run in the package phase by exec-maven-plugin (packaging/pom.xml): {@code ClassListTraining
 * JAR EXAMPLE_CONFIG OUTPUT STATIC_AGENT_OUTPUT}. It lives with the tests because it uses their
 * loopback fake EC2 and SSM.
 */
public final class ClassListTraining {
  private ClassListTraining() {}

  /**
   * Classes whose loading depends on timing, not on the command path: the JCA's optional providers
   * (loaded only when a lookup walks the provider list that far; seen coming and going between
   * builds on a loaded machine), the queue nodes a contended lock creates, and the JDK's internal
   * threads started on first use. The list is empirical: scripts/check-reproducible-package.sh (run
   * by CI) names any class that still varies. Missing from the archive, they are loaded from the
   * JDK as usual.
   */
  static final Predicate<String> UNSTABLE =
      Pattern.compile(
              "^(sun/security/smartcardio/|com/sun/security/sasl/|sun/security/jgss/"
                  + "|org/jcp/xml/dsig/|sun/security/pkcs11/|com/sun/security/auth/module/"
                  // what linking the PKCS#11 provider pulls in (seen: present in one of two
                  // builds of one commit under load)
                  + "|java/security/AuthProvider$|java/security/PrivilegedActionException$"
                  + "|javax/security/auth/"
                  // unverified, a handler's exception class loads only when an exception meets
                  // the handler: seen in one of two builds since the training runs unverified
                  + "|java/security/InvalidParameterException$"
                  + "|java/util/concurrent/locks/AbstractQueuedSynchronizer\\$\\w*Node"
                  + "|java/util/concurrent/ForkJoin|jdk/internal/misc/InnocuousThread)")
          .asPredicate();

  /**
   * The AWS SDK's generated client classes ({@code DefaultEc2Client}, {@code DefaultSsmClient}
   * ...), and the lambdas they host, stay out of the lists: they are loaded from the jar, where the
   * launcher's {@code -XX:-BytecodeVerificationRemote} leaves them unverified. Verifying one (at
   * run time, or when the archive is made, whose recorded constraints are then checked at run time
   * whatever the flags) loads the request and response class of every operation of its service,
   * though muster calls one or two: 1,155 EC2 model classes, 50 MB of the archive and 16 MB of an
   * idle AWS agent's resident memory (docs/performance.md). Everything else in the archive was
   * verified when the archive was made.
   */
  static final Predicate<String> SDK_CLIENT =
      Pattern.compile(
              "^(@lambda-proxy )?software/amazon/awssdk/services/[a-z0-9]+/Default\\w*Client( |$)")
          .asPredicate();

  /**
   * The JVM options of every training run beyond the class list's: the launcher's verification
   * setting, so the lists hold what the launcher's runs load.
   */
  static final List<String> LAUNCHER_VERIFICATION =
      List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote");

  /** The agent's first decision: a point every training run reaches, however loaded the machine. */
  static final String AGENT_MILESTONE = "event=decision";

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      throw new IllegalArgumentException(
          "usage: ClassListTraining JAR EXAMPLE_CONFIG OUTPUT STATIC_AGENT_OUTPUT");
    }
    Path jar = Path.of(args[0]).toAbsolutePath();
    String example = Path.of(args[1]).toAbsolutePath().toString();
    Path output = Path.of(args[2]);
    Path staticAgentOutput = Path.of(args[3]);
    Path work = Files.createTempDirectory("muster-classlist");
    Set<String> merged = new LinkedHashSet<>();
    Set<String> staticAgent = new LinkedHashSet<>();
    Set<String> awsAgent = new LinkedHashSet<>();
    try (FakeAwsQueryServer server = FakeAwsQueryServer.start();
        FakeSsmServer ssm = new FakeSsmServer()) {
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
      // The agent's paths, static/file/exec and ec2-tags/ssm/exec: started, left to reach its
      // first decision, stopped by SIGTERM as systemd does.
      staticAgent.addAll(
          stable(
              jar,
              work.resolve("agent-static"),
              List.of("agent", "-c", example),
              Map.of(),
              work,
              true));
      awsAgent.addAll(
          stable(
              jar,
              work.resolve("agent-aws"),
              List.of("agent"),
              awsAgent(server.endpoint().toString(), ssm.endpoint().toString()),
              work,
              true));
    }
    // The dump lays classes out roughly in the list's order, and an idle agent's resident memory
    // counts every archive page it touches: the static agent's classes first, then the AWS
    // agent's, then the one-shot commands', keeps each group on its own pages.
    write(output, List.of(staticAgent, awsAgent, merged));
    write(staticAgentOutput, List.of(staticAgent));
  }

  private static void write(Path output, List<Set<String>> groups) throws IOException {
    Files.createDirectories(output.toAbsolutePath().getParent());
    List<String> out = ordered(groups);
    Files.write(output, out, StandardCharsets.UTF_8);
    System.out.println("class list: " + (out.size() - 1) + " entries -> " + output);
  }

  /** An AWS member (ec2-tags discovery, ssm store) against the loopback fakes; it forms alone. */
  private static Map<String, String> awsAgent(String ec2, String ssm) {
    Map<String, String> env = new HashMap<>();
    env.put("MUSTER_CLUSTER_NAME", "train");
    env.put("MUSTER_NODE_ADDRESS", "10.0.3.2");
    env.put("MUSTER_NODE_INSTANCE_ID", String.format("i-%017x", 2));
    env.put("MUSTER_NODE_REGION", "eu-west-1");
    env.put("MUSTER_DISCOVERY_PROVIDER", "ec2-tags");
    env.put("MUSTER_DISCOVERY_EC2_TAGS_TAGS", "cluster=train");
    env.put("MUSTER_STORE_PROVIDER", "ssm");
    env.put("MUSTER_ADAPTER_NAME", "exec");
    env.put("MUSTER_ADAPTER_EXEC_FORM", "/bin/true");
    env.put("MUSTER_ADAPTER_EXEC_JOIN", "/bin/true");
    env.put("MUSTER_AWS_EC2_ENDPOINT_URL", ec2);
    env.put("MUSTER_AWS_SSM_ENDPOINT_URL", ssm);
    return env;
  }

  /**
   * The groups' classes in an order that does not depend on thread timing (the package must be
   * reproducible): each group's classes not in an earlier group, sorted, then every lambda line,
   * sorted. The dump loads each named class with its supertypes.
   */
  static List<String> ordered(List<Set<String>> groups) {
    List<String> out = new ArrayList<>();
    out.add("# Trained at package time by io.muster.e2e.ClassListTraining; grouped and sorted.");
    Set<String> seen = new HashSet<>();
    TreeSet<String> lambdas = new TreeSet<>();
    for (Set<String> group : groups) {
      group.stream()
          .filter(l -> !l.startsWith("#") && !l.startsWith("@"))
          .filter(UNSTABLE.negate())
          .filter(SDK_CLIENT.negate())
          .filter(seen::add)
          .sorted()
          .forEach(out::add);
      group.stream()
          .filter(l -> l.startsWith("@"))
          .filter(SDK_CLIENT.negate())
          .forEach(lambdas::add);
    }
    out.addAll(lambdas);
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
    return stable(jar, prefix, args, Map.of(), work, stopAfterStart);
  }

  private static Set<String> stable(
      Path jar,
      Path prefix,
      List<String> args,
      Map<String, String> env,
      Path work,
      boolean stopAfterStart)
      throws IOException, InterruptedException {
    Set<String> first =
        new LinkedHashSet<>(
            run(jar, Path.of(prefix + "-a.classlist"), args, env, work, stopAfterStart));
    first.retainAll(run(jar, Path.of(prefix + "-b.classlist"), args, env, work, stopAfterStart));
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
            "-XX:DumpLoadedClassList=" + list));
    argv.addAll(LAUNCHER_VERIFICATION);
    argv.addAll(List.of("-cp", jar.toString(), "io.muster.cli.Main"));
    argv.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().keySet().removeIf(k -> k.startsWith("MUSTER_") || k.startsWith("AWS_"));
    pb.environment().putAll(MusterCli.NO_INSTANCE_METADATA);
    pb.environment().put("AWS_ACCESS_KEY_ID", "AKIDTRAINING");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "training-secret");
    // State and the file store go to the scratch directory, never to the example's /var/lib/muster.
    pb.environment().put("MUSTER_STATE_DIR", work.resolve("state").toString());
    pb.environment().put("MUSTER_STORE_FILE_DIR", work.resolve("store").toString());
    // Port 0: never a fixed port (other builds and tests run on the same machine).
    pb.environment().put("MUSTER_AGENT_HTTP_ADDRESS", "127.0.0.1:0");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Path out = work.resolve(list.getFileName() + ".out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (stopAfterStart) {
      awaitMilestone(p, out, args);
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

  private static void awaitMilestone(Process p, Path out, List<String> args)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(out).contains(AGENT_MILESTONE)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "training run muster " + args + " made no decision:\n" + Files.readString(out));
      }
      Thread.sleep(50);
    }
  }
}
