package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.swarm.DockerdNode;
import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAutoScalingLifecycle.Completion;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeImds;
import io.muster.testing.TestNetwork;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15's terminate hook on a real Docker Swarm: three network namespaces (TestNetwork "msl",
 * 10.99.16.1-3), one real dockerd in each (the swarm adapter's {@link DockerdNode} harness), each
 * run by the real {@code muster agent} of the shaded jar with the on-node lifecycle, static
 * discovery, one shared file store and {@code adapter.swarm.managers: 3}. Auto Scaling's lifecycle
 * API and each instance's metadata are the local fakes on the host's loopback, reached from each
 * namespace through socat (as in {@link EjabberdLifecycleE2EIT}). The docker CLI is the observer.
 *
 * <ol>
 *   <li>Three instances launch: each launch hook is answered CONTINUE once, by three managers.
 *   <li>The group terminates n2 (a manager of three): it demotes itself, quorum-checked, then
 *       leaves; n1 and n3 remain two reachable managers with the swarm's control plane working, and
 *       the terminate hook is answered CONTINUE exactly once.
 *   <li>Then n3 (two managers, both reachable: one may go): demotes, leaves, CONTINUE once.
 *   <li>Then n1, the only manager left: the agent refuses to break the swarm, logs why ({@code
 *       lifecycle-leave-failed}, "refusing to leave the swarm"), and answers the configured
 *       lifecycle.drain-failure-result (ABANDON here) once; n1 still holds the swarm.
 * </ol>
 *
 * The refusal for a manager whose leave would lose the quorum with a frozen peer is the same
 * adapter path, shown with {@code muster leave} in {@link SwarmJoinE2EIT}.
 *
 * <p>Run alone, as root, under the IT lock:
 *
 * <pre>
 * flock /tmp/muster-it.lock ./mvnw -B -o verify -pl packaging -am -Dtest=NONE \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
 *   -Dit.test=SwarmLifecycleE2EIT
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmLifecycleE2EIT {
  static final String PREFIX = "msl";
  static final String SUBNET = "10.99.16";
  static final String GROUP = "swarm-managers";
  static final String LAUNCH_HOOK = "muster-launch";
  static final String DRAIN_HOOK = "muster-drain";
  static final int IMDS_PORT = 1338;
  static final int ASG_PORT = 1339;
  static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath().toString();

  private TestNetwork net;
  private Path base;
  private FakeAwsQueryServer aws;
  private FakeAutoScalingLifecycle asg;
  private final List<FakeImds> imds = new ArrayList<>();
  private final List<DockerdNode> daemons = new ArrayList<>();
  private final List<Process> helpers = Collections.synchronizedList(new ArrayList<>());
  private final Map<Integer, Process> agents = new LinkedHashMap<>();
  private final Map<String, Long> timings = new LinkedHashMap<>();
  private boolean launched;

  @BeforeAll
  void setUp() throws Exception {
    DockerdNode.dockerdBinary();
    DockerdNode.dockerCli();
    MusterCli.requireJar();
    if (!Files.isExecutable(Path.of("/usr/bin/socat"))) {
      throw new IllegalStateException("socat is missing: apt-get install -y socat");
    }
    base = Files.createTempDirectory(Path.of("/tmp"), "msl-");
    net = TestNetwork.create(PREFIX, SUBNET, 3); // fails when not root
    aws = FakeAwsQueryServer.start();
    asg =
        new FakeAutoScalingLifecycle(aws, Clock.systemUTC())
            .hook(
                GROUP,
                LAUNCH_HOOK,
                FakeAutoScalingLifecycle.LAUNCHING,
                Duration.ofSeconds(120),
                "ABANDON")
            .hook(
                GROUP,
                DRAIN_HOOK,
                FakeAutoScalingLifecycle.TERMINATING,
                Duration.ofSeconds(120),
                "CONTINUE");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<DockerdNode>> starts = new ArrayList<>();
      for (TestNetwork.Node n : net.nodes()) {
        FakeImds m = FakeImds.start();
        imds.add(m);
        asg.mirrorTo(n.name(), m, Duration.ZERO);
        bridge(n, IMDS_PORT, m.endpoint());
        bridge(n, ASG_PORT, aws.endpoint().toString());
        starts.add(pool.submit(() -> DockerdNode.start(n, base.resolve("docker-" + n.name()))));
      }
      for (Future<DockerdNode> f : starts) {
        daemons.add(f.get(120, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @AfterAll
  void cleanUp() throws Exception {
    List<String> leaks = new ArrayList<>();
    try {
      for (Map.Entry<Integer, Process> a : agents.entrySet()) {
        a.getValue().destroy(); // SIGTERM: the agent's own stop
        if (!a.getValue().waitFor(60, TimeUnit.SECONDS)) {
          leaks.add("muster agent on n" + (a.getKey() + 1) + " ignored SIGTERM");
          a.getValue().destroyForcibly();
        }
      }
      synchronized (helpers) {
        for (Process p : helpers) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
      for (DockerdNode d : daemons) {
        try {
          d.stop();
        } catch (RuntimeException e) {
          leaks.add("dockerd " + d.node().name() + ": " + e.getMessage());
        }
      }
    } finally {
      if (net != null) {
        net.close();
      }
      imds.forEach(FakeImds::close);
      if (aws != null) {
        aws.close();
      }
      keepLogs();
      if (base != null) {
        DockerdNode.deleteTree(base);
      }
      System.out.println("SWARM-LIFECYCLE-E2E timings (ms): " + timings);
    }
    assertThat(leaks).as("processes left behind").isEmpty();
    for (int i = 1; i <= 3; i++) {
      assertThat(Path.of("/var/run/netns/" + PREFIX + "-n" + i)).doesNotExist();
    }
  }

  // ---------------------------------------------------------------- the tests, in order

  @Test
  @Order(1)
  void threeLaunchHooksAreAnsweredByThreeManagers() throws Exception {
    long t = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      asg.launch(GROUP, instance(i));
    }
    for (int i = 0; i < 3; i++) {
      startAgent(i);
    }
    await(
        () -> asg.completions().stream().filter(c -> c.hook().equals(LAUNCH_HOOK)).count() == 3,
        Duration.ofSeconds(180),
        "three launch hooks answered");
    await(
        () -> managers(0).values().stream().filter(r -> r.equals("reachable")).count() == 3,
        Duration.ofSeconds(60),
        "three reachable managers");
    timings.put("3 launches answered, 3 reachable managers", ms(t));
    checked(
        () -> {
          for (int i = 0; i < 3; i++) {
            assertThat(asg.completions(instance(i), LAUNCH_HOOK))
                .singleElement()
                .satisfies(c -> assertThat(c.result()).isEqualTo("CONTINUE"));
          }
        });
    launched = true;
  }

  @Test
  @Order(2)
  void aManagerOfThreeDemotesThenLeavesAndTheTwoLeftKeepQuorum() throws Exception {
    requireLaunched();
    long t = System.nanoTime();
    asg.terminate(instance(1));
    Completion drain = awaitDrain(1);
    timings.put("n2 terminate -> answered (demote, leave)", ms(t));
    checked(
        () -> {
          assertThat(drain.result()).isEqualTo("CONTINUE");
          assertThat(drain.byTimeout()).isFalse();
          assertThat(swarmState(1)).isEqualTo("inactive");
          Map<String, String> m = managers(0);
          assertThat(m).containsOnlyKeys(addr(0), addr(2));
          assertThat(m.values()).containsOnly("reachable");
          // The control plane answers on both: a write needs the raft quorum.
          daemons.get(0).docker("node", "update", "--label-add", "after-n2=1", nodeId(0));
          assertThat(controlAvailable(2)).isTrue();
          assertThat(read(log(1, "agent.err"))).contains("demoting this node first");
        });
  }

  @Test
  @Order(3)
  void oneOfTwoManagersMayLeave() throws Exception {
    requireLaunched();
    long t = System.nanoTime();
    asg.terminate(instance(2));
    Completion drain = awaitDrain(2);
    timings.put("n3 terminate -> answered (demote, leave)", ms(t));
    checked(
        () -> {
          assertThat(drain.result()).isEqualTo("CONTINUE");
          assertThat(swarmState(2)).isEqualTo("inactive");
          assertThat(managers(0)).containsOnlyKeys(addr(0));
          daemons.get(0).docker("node", "update", "--label-add", "after-n3=1", nodeId(0));
        });
  }

  @Test
  @Order(4)
  void theOnlyManagerRefusesToBreakTheSwarmAndAnswersTheDrainFailureResult() throws Exception {
    requireLaunched();
    String swarm = daemons.get(0).docker("info", "--format", "{{.Swarm.Cluster.ID}}").trim();
    asg.terminate(instance(0));
    Completion drain = awaitDrain(0);
    checked(
        () -> {
          assertThat(drain.result()).as("lifecycle.drain-failure-result").isEqualTo("ABANDON");
          assertThat(drain.byTimeout()).isFalse();
          assertThat(swarmState(0)).isEqualTo("active");
          assertThat(controlAvailable(0)).isTrue();
          assertThat(daemons.get(0).docker("info", "--format", "{{.Swarm.Cluster.ID}}").trim())
              .isEqualTo(swarm);
          String err = read(log(0, "agent.err"));
          assertThat(err)
              .contains("lifecycle-leave-failed")
              .contains("refusing to leave the swarm");
          assertThat(err).contains("only manager");
        });
  }

  // ---------------------------------------------------------------- helpers

  private String instance(int i) {
    return net.node(i).name();
  }

  private String addr(int i) {
    return net.node(i).address();
  }

  private Completion awaitDrain(int i) throws Exception {
    await(
        () -> !asg.completions(instance(i), DRAIN_HOOK).isEmpty(),
        Duration.ofSeconds(120),
        "the terminate hook of n" + (i + 1) + " answered");
    Thread.sleep(3_000); // nothing more may arrive
    List<Completion> all = asg.completions(instance(i), DRAIN_HOOK);
    checked(() -> assertThat(all).as("answers to n%d's terminate hook", i + 1).hasSize(1));
    return all.get(0);
  }

  private String swarmState(int i) {
    return daemons.get(i).docker("info", "--format", "{{.Swarm.LocalNodeState}}").trim();
  }

  private boolean controlAvailable(int i) {
    return Boolean.parseBoolean(
        daemons.get(i).docker("info", "--format", "{{.Swarm.ControlAvailable}}").trim());
  }

  private String nodeId(int i) {
    return daemons.get(i).docker("info", "--format", "{{.Swarm.NodeID}}").trim();
  }

  /** The managers node {@code i} lists, address to reachability. */
  private Map<String, String> managers(int i) {
    DockerdNode d = daemons.get(i);
    List<String> args = new ArrayList<>(List.of("node", "inspect", "--format"));
    args.add(
        "{{.Status.Addr}}|{{.Spec.Role}}|{{if .ManagerStatus}}{{.ManagerStatus.Reachability}}"
            + "{{else}}-{{end}}");
    args.addAll(List.of(d.docker("node", "ls", "-q").trim().split("\\s+")));
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : d.docker(args.toArray(String[]::new)).split("\n")) {
      String[] f = line.split("\\|");
      if (f.length == 3 && f[1].equals("manager")) {
        out.put(f[0], f[2]);
      }
    }
    return out;
  }

  private void bridge(TestNetwork.Node n, int port, String target)
      throws IOException, InterruptedException {
    String hostPort = target.replaceFirst("^http://127\\.0\\.0\\.1:", "").replaceAll("/.*", "");
    Path sock = base.resolve(n.name() + "-" + port + ".sock");
    helpers.add(
        start(
            List.of(
                "socat", "UNIX-LISTEN:" + sock + ",fork,reuseaddr", "TCP:127.0.0.1:" + hostPort),
            base.resolve(n.name() + "-" + port + "-host.log")));
    for (int i = 0; i < 50 && !Files.exists(sock); i++) {
      Thread.sleep(100);
    }
    List<String> inNs = new ArrayList<>(n.nsenter());
    inNs.addAll(
        List.of(
            "socat",
            "TCP-LISTEN:" + port + ",bind=127.0.0.1,fork,reuseaddr",
            "UNIX-CONNECT:" + sock));
    helpers.add(start(inNs, base.resolve(n.name() + "-" + port + "-ns.log")));
  }

  private static Process start(List<String> argv, Path log) throws IOException {
    return new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  private void startAgent(int node) throws IOException {
    TestNetwork.Node n = net.node(node);
    List<String> argv = new ArrayList<>(n.nsenter());
    argv.addAll(
        List.of(
            JAVA,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-jar",
            MusterCli.JAR.toString(),
            "agent"));
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
    env.put("MUSTER_CLUSTER_NAME", "swarm-lifecycle");
    env.put("MUSTER_DISCOVERY_PROVIDER", "static");
    env.put(
        "MUSTER_DISCOVERY_STATIC_PEERS",
        net.nodes().stream().map(TestNetwork.Node::address).collect(Collectors.joining(",")));
    env.put("MUSTER_NODE_ADDRESS", n.address());
    env.put("MUSTER_NODE_INSTANCE_ID", n.name());
    env.put("MUSTER_NODE_AUTO_SCALING_GROUP", GROUP);
    env.put("MUSTER_NODE_REGION", "us-east-1");
    env.put("MUSTER_NODE_IMDS_ENDPOINT", "http://127.0.0.1:" + IMDS_PORT);
    env.put("MUSTER_AWS_ENDPOINT_URL", "http://127.0.0.1:" + ASG_PORT);
    env.put("MUSTER_STORE_PROVIDER", "file");
    env.put("MUSTER_STORE_FILE_DIR", base.resolve("store").toString());
    env.put("MUSTER_STATE_DIR", base.resolve("state-" + n.name()).toString());
    env.put("MUSTER_ADAPTER_NAME", "swarm");
    env.put("MUSTER_ADAPTER_SWARM_SOCKET", daemons.get(node).socketPath().toString());
    env.put("MUSTER_ADAPTER_SWARM_ROLE", "auto");
    env.put("MUSTER_ADAPTER_SWARM_MANAGERS", "3");
    env.put("MUSTER_ELECTION_STABLE_FOR", "3s");
    env.put("MUSTER_ELECTION_MIN_PEERS", "3");
    env.put("MUSTER_DISCOVERY_INTERVAL", "1s");
    env.put("MUSTER_JOIN_TIMEOUT", "100s");
    env.put("MUSTER_LOG_FORMAT", "json");
    env.put("MUSTER_LIFECYCLE_ENABLED", "true");
    env.put("MUSTER_LIFECYCLE_LAUNCH_HOOK", LAUNCH_HOOK);
    env.put("MUSTER_LIFECYCLE_TERMINATE_HOOK", DRAIN_HOOK);
    env.put("MUSTER_LIFECYCLE_HEARTBEAT_TIMEOUT", "120s");
    env.put("MUSTER_LIFECYCLE_POLL_INTERVAL", "1s");
    env.put("MUSTER_LIFECYCLE_DRAIN_TIMEOUT", "60s");
    // Distinct from the CONTINUE of a clean leave, so the refused leave's answer is recognisable.
    env.put("MUSTER_LIFECYCLE_DRAIN_FAILURE_RESULT", "ABANDON");
    agents.put(node, pb.start());
  }

  private Path log(int node, String name) {
    return base.resolve("n" + (node + 1) + "-" + name);
  }

  /** Polls {@code done} (an observer call may fail while the swarm settles: that is "not yet"). */
  private void await(BooleanSupplier done, Duration limit, String what) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    String last = "";
    while (true) {
      try {
        if (done.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = " (last error: " + e.getMessage() + ")";
      }
      String why = last;
      if (System.nanoTime() > end) {
        checked(
            () -> {
              throw new AssertionError("not within " + limit.toSeconds() + " s: " + what + why);
            });
      }
      for (Map.Entry<Integer, Process> a : agents.entrySet()) {
        if (!a.getValue().isAlive()) {
          int node = a.getKey();
          checked(
              () -> {
                throw new AssertionError(
                    "muster agent on n" + (node + 1) + " exited " + a.getValue().exitValue());
              });
        }
      }
      Thread.sleep(250);
    }
  }

  /** Runs the checks; on failure prints every agent's output and the fake's completions. */
  private void checked(ThrowingRunnable checks) throws Exception {
    try {
      checks.run();
    } catch (AssertionError | RuntimeException e) {
      StringBuilder b = new StringBuilder("FAILED: " + e.getMessage() + "\n");
      for (int node : agents.keySet()) {
        b.append("---- n").append(node + 1).append(" agent stderr (last 40 lines):\n");
        List<String> lines = read(log(node, "agent.err")).lines().toList();
        b.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())))
            .append("\n");
      }
      b.append("---- completions: ").append(asg.completions()).append("\n");
      System.out.println(b);
      throw e;
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private void requireLaunched() {
    if (!launched) {
      throw new IllegalStateException("this step needs the launched swarm (the first test failed)");
    }
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private void keepLogs() {
    if (base == null) {
      return;
    }
    try {
      Path to = Path.of("target", "swarm-lifecycle-e2e-logs").toAbsolutePath();
      DockerdNode.deleteTree(to);
      Files.createDirectories(to);
      try (Stream<Path> s = Files.list(base)) {
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
