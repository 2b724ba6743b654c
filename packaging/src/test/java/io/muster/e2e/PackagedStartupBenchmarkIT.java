package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeEc2;
import io.muster.testing.FakeSsmServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Start-up and memory of the PACKAGED muster (target/deb-root: the launcher, the jar, and a
 * class-data archive made from the shipped class list exactly as {@code muster-setup cds} makes it
 * at install), next to Debian's {@code aws ec2 describe-instances} on the same loopback EC2
 * endpoint, and each start-up lever on its own. All variants run round-robin in the same rounds
 * (muster and aws alternating which goes first), so the machine's load hits them alike; the ratio
 * is the median of the per-round ratios. Writes target/packaged-startup-benchmark.md; asserts only
 * that every run succeeded (figures are reported, never asserted).
 *
 * <p>Run alone under the IT lock: {@code flock /tmp/muster-it.lock ./mvnw -B -o verify -pl
 * packaging -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=PackagedStartupBenchmarkIT}. Needs {@code
 * /usr/bin/aws} (Debian awscli) and GNU time.
 */
class PackagedStartupBenchmarkIT {
  static final int ROUNDS = Integer.getInteger("bench.rounds", 7);
  static final Path ROOT = Path.of("target", "deb-root").toAbsolutePath();
  static final Path LAUNCHER = ROOT.resolve("usr/bin/muster");
  static final Path JAR = ROOT.resolve("usr/share/muster/muster.jar");
  static final Path CLASSLIST = ROOT.resolve("usr/share/muster/muster.classlist");
  static final Path EXAMPLE = ROOT.resolve("etc/muster/muster.yaml");
  static final Path ARCHIVE = Path.of("target", "bench", "muster.jsa").toAbsolutePath();
  static final Path STATIC_AGENT_CLASSLIST =
      ROOT.resolve("usr/share/muster/agent-static.classlist");
  static final Path STATIC_AGENT_ARCHIVE =
      Path.of("target", "bench", "agent-static.jsa").toAbsolutePath();
  static final Pattern RSS = Pattern.compile("BENCH_RSS_KB=(\\d+)");
  static final String SELF = String.format("i-%017x", 7);

  record Sample(double seconds, long rssKb) {}

  /** One way of starting muster: launcher environment and extra JVM options. */
  record Variant(String name, Map<String, String> env, List<String> prefix) {}

  @Test
  void packagedMusterAgainstTheAwsCli() throws Exception {
    requireTools();
    makeArchive(CLASSLIST, ARCHIVE);
    makeArchive(STATIC_AGENT_CLASSLIST, STATIC_AGENT_ARCHIVE);
    Path work = Files.createTempDirectory("muster-bench");
    try (FakeAwsQueryServer server = FakeAwsQueryServer.start();
        FakeSsmServer ssm = new FakeSsmServer()) {
      FakeEc2 ec2 = new FakeEc2(server);
      for (int i = 1; i <= 50; i++) {
        ec2.add(
            FakeEc2.Instance.running(String.format("i-%017x", i), "10.0.3." + i)
                .withTags(Map.of("cluster", "bench")));
      }
      String endpoint = server.endpoint().toString();
      List<String> tagArgs =
          List.of(
              "peers",
              "--discovery",
              "ec2-tags",
              "--tag",
              "cluster=bench",
              "--endpoint-url",
              endpoint,
              "--region",
              "eu-west-1",
              "--node-address",
              "10.0.3.7",
              "--node-instance-id",
              SELF);
      List<String> staticArgs = List.of("peers", "-c", EXAMPLE.toString());
      List<String> awsArgs =
          List.of(
              "/usr/bin/aws",
              "ec2",
              "describe-instances",
              "--endpoint-url",
              endpoint,
              "--region",
              "eu-west-1",
              "--no-cli-pager",
              "--filters",
              "Name=tag:cluster,Values=bench",
              "Name=instance-state-name,Values=running");

      Map<String, String> packaged = Map.of("MUSTER_CDS_ARCHIVE", ARCHIVE.toString());
      List<Variant> variants =
          List.of(
              new Variant(
                  "packaged (trained archive, C1, serial GC, 1 MB young generation)",
                  packaged,
                  List.of()),
              new Variant(
                  "packaged but the JVM's default heap (the launcher before its heap sizing)",
                  Map.of(),
                  withoutHeapSizing()),
              new Variant(
                  "packaged but the SDK's clients verified (loaded from the jar, the verifier"
                      + " loads every operation's model classes)",
                  Map.of(
                      "MUSTER_CDS_ARCHIVE",
                      ARCHIVE.toString(),
                      "MUSTER_JAVA_OPTS",
                      "-XX:+BytecodeVerificationRemote"),
                  List.of()),
              new Variant(
                  "packaged but the archive relocated at start (the JDK's default)",
                  Map.of(
                      "MUSTER_CDS_ARCHIVE",
                      ARCHIVE.toString(),
                      "MUSTER_JAVA_OPTS",
                      "-XX:ArchiveRelocationMode=1"),
                  List.of()),
              new Variant(
                  "without the class-data archive (JDK's default CDS)",
                  Map.of("MUSTER_CDS_ARCHIVE", "/nonexistent"),
                  List.of()),
              new Variant(
                  "plain java -jar (no launcher flags, default CDS)",
                  Map.of(),
                  List.of(javaBin(), "-jar", JAR.toString())));

      Map<String, List<Sample>> tags = new LinkedHashMap<>();
      Map<String, List<Sample>> statics = new LinkedHashMap<>();
      List<Sample> aws = new ArrayList<>();
      // The same-round ratio to aws of the packaged launcher and of the launcher before its heap
      // sizing: the three run next to each other, in alternating order.
      List<Double> ratios = new ArrayList<>();
      List<Double> ratiosBefore = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        Sample a;
        Sample m;
        Sample b;
        if (round % 2 == 0) {
          a = run(awsArgs, awsEnv(work), "Reservations");
          m = muster(variants.get(0), tagArgs);
          b = muster(variants.get(1), tagArgs);
        } else {
          b = muster(variants.get(1), tagArgs);
          m = muster(variants.get(0), tagArgs);
          a = run(awsArgs, awsEnv(work), "Reservations");
        }
        aws.add(a);
        tags.computeIfAbsent(variants.get(0).name(), k -> new ArrayList<>()).add(m);
        tags.computeIfAbsent(variants.get(1).name(), k -> new ArrayList<>()).add(b);
        ratios.add(m.seconds() / a.seconds());
        ratiosBefore.add(b.seconds() / a.seconds());
        for (Variant v : variants.subList(2, variants.size())) {
          tags.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(muster(v, tagArgs));
        }
        for (Variant v : variants) {
          statics.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(muster(v, staticArgs));
        }
      }

      StringBuilder md = new StringBuilder();
      md.append(
          String.format(
              "%d rounds, %d cores, load before: %s%n%n",
              ROUNDS, Runtime.getRuntime().availableProcessors(), uptime()));
      md.append("| command | median wall (s) | max wall (s) | median peak RSS (MB) |\n");
      md.append("| --- | --- | --- | --- |\n");
      md.append(row("`aws ec2 describe-instances` (Debian awscli)", aws));
      tags.forEach((k, v) -> md.append(row("`muster peers --discovery ec2-tags`, " + k, v)));
      statics.forEach((k, v) -> md.append(row("`muster peers` static, " + k, v)));
      md.append(
          String.format(
              "%nmuster ec2-tags / aws, median of the %d same-round ratios: %.2f (per round: %s)%n",
              ROUNDS, median(ratios), ratios.stream().map(r -> String.format("%.2f", r)).toList()));
      md.append(
          String.format(
              "the same before the heap sizing: %.2f (per round: %s)%n",
              median(ratiosBefore),
              ratiosBefore.stream().map(r -> String.format("%.2f", r)).toList()));

      // Idle member agents: resident memory after they settled, static/file/exec and AWS.
      Map<String, String> staticAgent =
          new HashMap<>(
              Map.of(
                  "MUSTER_STATE_DIR", work.resolve("state1").toString(),
                  "MUSTER_STORE_FILE_DIR", work.resolve("store").toString()));
      Map<String, String> awsAgent = new HashMap<>();
      awsAgent.put("MUSTER_STATE_DIR", work.resolve("state2").toString());
      awsAgent.put("MUSTER_CLUSTER_NAME", "bench");
      awsAgent.put("MUSTER_NODE_ADDRESS", "10.0.3.7");
      awsAgent.put("MUSTER_NODE_INSTANCE_ID", SELF);
      awsAgent.put("MUSTER_DISCOVERY_PROVIDER", "ec2-tags");
      awsAgent.put("MUSTER_DISCOVERY_EC2_TAGS_TAGS", "cluster=bench");
      awsAgent.put("MUSTER_STORE_PROVIDER", "ssm");
      awsAgent.put("MUSTER_ADAPTER_NAME", "exec");
      // The preflight requires both scripts (issue 14); the agent forms alone and idles.
      awsAgent.put("MUSTER_ADAPTER_EXEC_FORM", "/bin/true");
      awsAgent.put("MUSTER_ADAPTER_EXEC_JOIN", "/bin/true");
      awsAgent.put("MUSTER_NODE_REGION", "eu-west-1");
      awsAgent.put("MUSTER_AWS_EC2_ENDPOINT_URL", endpoint);
      awsAgent.put("MUSTER_AWS_SSM_ENDPOINT_URL", ssm.endpoint().toString());
      // Without credentials the agent never reaches the store and idles in its retry loop, with
      // less loaded than a working member (the figures before this line was added were of that).
      awsAgent.put("AWS_ACCESS_KEY_ID", "AKIDBENCHMARK");
      awsAgent.put("AWS_SECRET_ACCESS_KEY", "benchmark-secret");
      // Port 0: the agents' HTTP endpoint never takes a fixed port.
      staticAgent.put("MUSTER_AGENT_HTTP_ADDRESS", "127.0.0.1:0");
      awsAgent.put("MUSTER_AGENT_HTTP_ADDRESS", "127.0.0.1:0");
      String unitHeap = "-Xms8m -Xmx64m";
      Map<String, String> everyPath =
          Map.of("MUSTER_CDS_ARCHIVE", ARCHIVE.toString(), "MUSTER_JAVA_OPTS", unitHeap);
      Map<String, String> staticAgentArchive =
          Map.of(
              "MUSTER_CDS_ARCHIVE", STATIC_AGENT_ARCHIVE.toString(), "MUSTER_JAVA_OPTS", unitHeap);
      Map<String, String> noArchive =
          Map.of("MUSTER_CDS_ARCHIVE", "/nonexistent", "MUSTER_JAVA_OPTS", unitHeap);
      // Per agent: as installed (the archive the launcher picks for it, the units' heap sizing),
      // then each lever undone.
      List<Variant> staticAgents =
          List.of(
              new Variant(
                  "as installed (the static agent's archive, the units' heap, 1 MB young)",
                  staticAgentArchive,
                  List.of()),
              new Variant("the archive of every path instead", everyPath, List.of()),
              new Variant("no muster archive (the JDK's default CDS)", noArchive, List.of()),
              new Variant(
                  "the archive of every path, the default young generation (before)",
                  Map.of(),
                  withoutHeapSizing("-Xms8m", "-Xmx64m")));
      List<Variant> awsAgents =
          List.of(
              new Variant(
                  "as installed (the archive of every path, the units' heap, 1 MB young)",
                  everyPath,
                  List.of()),
              new Variant(
                  "without the daemons' memory give-back (the JVM's heap free ratios, no C-heap"
                      + " trim)",
                  Map.of(
                      "MUSTER_CDS_ARCHIVE",
                      ARCHIVE.toString(),
                      "MUSTER_JAVA_OPTS",
                      unitHeap
                          + " -XX:MaxHeapFreeRatio=70 -XX:MinHeapFreeRatio=40"
                          + " -XX:TrimNativeHeapInterval=0"),
                  List.of()),
              new Variant(
                  "the SDK's clients verified (from the jar)",
                  Map.of(
                      "MUSTER_CDS_ARCHIVE",
                      ARCHIVE.toString(),
                      "MUSTER_JAVA_OPTS",
                      unitHeap + " -XX:+BytecodeVerificationRemote"),
                  List.of()),
              new Variant("the static agent's archive instead", staticAgentArchive, List.of()),
              new Variant("no muster archive (the JDK's default CDS)", noArchive, List.of()),
              new Variant(
                  "the default young generation (before)",
                  Map.of(),
                  withoutHeapSizing("-Xms8m", "-Xmx64m")));
      md.append(
          "\n| idle member agent (RSS after 20 s) | RSS (MB) | first decision after (s) |\n"
              + "| --- | --- | --- |\n");
      for (Variant v : staticAgents) {
        md.append(
            agentRow(
                "static/file/exec, " + v.name(),
                v,
                List.of("-c", EXAMPLE.toString()),
                staticAgent));
      }
      for (Variant v : awsAgents) {
        md.append(agentRow("ec2-tags/ssm/exec, " + v.name(), v, List.of(), awsAgent));
      }
      Path out = Path.of("target", "packaged-startup-benchmark.md");
      Files.writeString(out, md.toString());
      System.out.println("packaged start-up benchmark:\n" + md);
    }
  }

  private static String agentRow(String name, Variant v, List<String> args, Map<String, String> env)
      throws Exception {
    List<String> argv = new ArrayList<>(command(v));
    argv.add("agent");
    argv.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(argv);
    environment(pb, v.env());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Path log = Files.createTempFile("muster-agent", ".log");
    pb.redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      double firstDecision = Double.NaN;
      while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20)) {
        if (Double.isNaN(firstDecision)
            && Files.readString(log).contains(ClassListTraining.AGENT_MILESTONE)) {
          firstDecision = (System.nanoTime() - t0) / 1e9;
        }
        Thread.sleep(50);
      }
      assertThat(p.isAlive()).as("the agent stopped:\n%s", Files.readString(log)).isTrue();
      assertThat(firstDecision).as("no decision:\n%s", Files.readString(log)).isNotNaN();
      long kb = vmRss(p.pid());
      return String.format("| %s | %.0f | %.1f |%n", name, kb / 1024.0, firstDecision);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      Files.deleteIfExists(log);
    }
  }

  /** The JVM's resident set: the launcher execs java, so the process is the JVM itself. */
  private static long vmRss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid);
  }

  private static Sample muster(Variant v, List<String> args) throws Exception {
    List<String> argv = new ArrayList<>(command(v));
    argv.addAll(args);
    Map<String, String> env = new HashMap<>(v.env());
    env.put("AWS_ACCESS_KEY_ID", "AKIDBENCHMARK");
    env.put("AWS_SECRET_ACCESS_KEY", "benchmark-secret");
    return run(argv, env, "decision:");
  }

  private static List<String> command(Variant v) {
    if (!v.prefix().isEmpty()) {
      return v.prefix();
    }
    return List.of(LAUNCHER.toString());
  }

  private static Map<String, String> awsEnv(Path work) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", "AKIDBENCHMARK");
    env.put("AWS_SECRET_ACCESS_KEY", "benchmark-secret");
    env.put("AWS_CONFIG_FILE", work.resolve("aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("aws-credentials").toString());
    env.put("HOME", work.toString());
    env.put("AWS_PAGER", "");
    return env;
  }

  private static void environment(ProcessBuilder pb, Map<String, String> env) {
    pb.environment().keySet().removeIf(k -> k.startsWith("MUSTER_") || k.startsWith("AWS_"));
    pb.environment().putAll(MusterCli.NO_INSTANCE_METADATA);
    pb.environment().put("MUSTER_JAR", JAR.toString());
    pb.environment().putAll(env);
  }

  private static Sample run(List<String> command, Map<String, String> env, String expect)
      throws Exception {
    List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "-f", "BENCH_RSS_KB=%M"));
    argv.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(argv);
    environment(pb, env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(code).as("%s failed: %s", command, stderr).isZero();
    assertThat(stdout).contains(expect);
    Matcher m = RSS.matcher(stderr);
    assertThat(m.find()).as("no RSS figure in %s", stderr).isTrue();
    return new Sample(seconds, Long.parseLong(m.group(1)));
  }

  /** As muster-setup cds makes it at install, into target/bench. */
  private static void makeArchive(Path classlist, Path archive) throws Exception {
    Files.createDirectories(archive.getParent());
    Files.deleteIfExists(archive);
    Process p =
        new ProcessBuilder(
                javaBin(),
                "-Xshare:dump",
                "-XX:+UseSerialGC",
                "-XX:SharedClassListFile=" + classlist,
                "-XX:SharedArchiveFile=" + archive,
                "-cp",
                JAR.toString(),
                "-Xlog:cds=off")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(archive).isRegularFile();
  }

  /**
   * The launcher's JVM options but its heap sizing, with the archive of every path and the given
   * heap options: what the launcher ran before its heap sizing (java directly, as the launcher
   * would exec it).
   */
  private static List<String> withoutHeapSizing(String... heap) {
    List<String> argv = new ArrayList<>();
    argv.addAll(
        List.of(
            javaBin(),
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xss512k",
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:-BytecodeVerificationRemote",
            "-XX:SharedArchiveFile=" + ARCHIVE,
            "-Xshare:auto",
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0",
            "-Xlog:cds=off",
            "-Xlog:cds+dynamic=off"));
    argv.addAll(List.of(heap));
    argv.addAll(List.of("-cp", JAR.toString(), "io.muster.cli.Main"));
    return argv;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String row(String name, List<Sample> s) {
    List<Double> wall = new ArrayList<>(s.stream().map(Sample::seconds).sorted().toList());
    List<Double> rss = new ArrayList<>(s.stream().map(x -> x.rssKb() / 1024.0).sorted().toList());
    return String.format(
        "| %s | %.2f | %.2f | %.0f |%n",
        name, median(wall), wall.get(wall.size() - 1), median(rss));
  }

  private static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    v.sort(Double::compare);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  private static String uptime() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  private static void requireTools() {
    for (String tool : List.of("/usr/bin/time", "/usr/bin/aws")) {
      if (!Files.isExecutable(Path.of(tool))) {
        throw new IllegalStateException(tool + " is missing: apt-get install time awscli");
      }
    }
  }
}
