package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.swarm.DockerdNode;
import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAutoScalingLifecycle.Completion;
import io.muster.testing.TestNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
  static final LifecycleFleetSettings FLEET =
      new LifecycleFleetSettings(
          "swarm-lifecycle",
          GROUP,
          LAUNCH_HOOK,
          DRAIN_HOOK,
          IMDS_PORT,
          ASG_PORT,
          Duration.ofSeconds(120),
          Duration.ofSeconds(100));

  private TestNetwork net;
  private Path base;
  private NamespaceBridges bridges;
  private FakeLifecycleAws fakes;
  private FakeAutoScalingLifecycle asg;
  private MusterProcesses agents;
  private final List<DockerdNode> daemons = new ArrayList<>();
  private final Map<String, Long> timings = new LinkedHashMap<>();
  private boolean launched;

  @BeforeAll
  void setUp() throws Exception {
    DockerdNode.dockerdBinary();
    DockerdNode.dockerCli();
    MusterCli.requireJar();
    NamespaceBridges.requireSocat();
    base = Files.createTempDirectory(Path.of("/tmp"), "msl-");
    bridges = new NamespaceBridges(base);
    agents = new MusterProcesses(base, 40, () -> fakes.completionsReport());
    net = TestNetwork.create(PREFIX, SUBNET, 3); // fails when not root
    fakes = new FakeLifecycleAws(FLEET);
    asg = fakes.lifecycle();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<DockerdNode>> starts = new ArrayList<>();
      for (TestNetwork.Node n : net.nodes()) {
        fakes.serve(n, n.name(), bridges);
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
      if (agents != null) {
        agents.stop(Duration.ofSeconds(60), leaks);
      }
      if (bridges != null) {
        bridges.close();
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
      if (fakes != null) {
        fakes.close();
      }
      if (base != null) {
        agents.keepLogs(Path.of("target", "swarm-lifecycle-e2e-logs").toAbsolutePath());
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
    agents.awaitSettling(
        () -> asg.completions().stream().filter(c -> c.hook().equals(LAUNCH_HOOK)).count() == 3,
        Duration.ofSeconds(180),
        "three launch hooks answered");
    agents.awaitSettling(
        () -> managers(0).values().stream().filter(r -> r.equals("reachable")).count() == 3,
        Duration.ofSeconds(60),
        "three reachable managers");
    timings.put("3 launches answered, 3 reachable managers", ms(t));
    agents.checked(
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
    agents.checked(
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
          assertThat(agents.stderr(1)).contains("demoting this node first");
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
    agents.checked(
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
    agents.checked(
        () -> {
          assertThat(drain.result()).as("lifecycle.drain-failure-result").isEqualTo("ABANDON");
          assertThat(drain.byTimeout()).isFalse();
          assertThat(swarmState(0)).isEqualTo("active");
          assertThat(controlAvailable(0)).isTrue();
          assertThat(daemons.get(0).docker("info", "--format", "{{.Swarm.Cluster.ID}}").trim())
              .isEqualTo(swarm);
          String err = agents.stderr(0);
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
    agents.awaitSettling(
        () -> !asg.completions(instance(i), DRAIN_HOOK).isEmpty(),
        Duration.ofSeconds(120),
        "the terminate hook of n" + (i + 1) + " answered");
    Thread.sleep(3_000); // nothing more may arrive
    List<Completion> all = asg.completions(instance(i), DRAIN_HOOK);
    agents.checked(() -> assertThat(all).as("answers to n%d's terminate hook", i + 1).hasSize(1));
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

  private void startAgent(int node) throws IOException {
    TestNetwork.Node n = net.node(node);
    ProcessBuilder pb = agents.command(node, n.nsenter(), "agent");
    Map<String, String> env = pb.environment();
    FLEET.putAgentEnvironment(
        env, n, n.name(), net.nodes().stream().map(TestNetwork.Node::address).toList(), base);
    env.put("MUSTER_ADAPTER_NAME", "swarm");
    env.put("MUSTER_ADAPTER_SWARM_SOCKET", daemons.get(node).socketPath().toString());
    env.put("MUSTER_ADAPTER_SWARM_ROLE", "auto");
    env.put("MUSTER_ADAPTER_SWARM_MANAGERS", "3");
    // Distinct from the CONTINUE of a clean leave, so the refused leave's answer is recognisable.
    env.put("MUSTER_LIFECYCLE_DRAIN_FAILURE_RESULT", "ABANDON");
    agents.start(node, pb);
  }

  private void requireLaunched() {
    if (!launched) {
      throw new IllegalStateException("this step needs the launched swarm (the first test failed)");
    }
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
