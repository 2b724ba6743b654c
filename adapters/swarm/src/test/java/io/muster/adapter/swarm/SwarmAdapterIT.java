package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.LocalMembership;
import io.muster.adapter.swarm.DockerEngine.EngineInfo;
import io.muster.adapter.swarm.SwarmSettings.RolePolicy;
import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.testing.ArgvSampler;
import io.muster.testing.TestNetwork;
import io.muster.time.Sleeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The swarm adapter against real Docker 20.10 engines: three network namespaces (10.99.2.1-3), one
 * dockerd in each, the adapter driven directly (the seed forms, the others join), results checked
 * through the docker CLI as an independent observer. A background sampler reads every process's
 * argv for the whole run and fails the test if a join token ever shows up there.
 */
class SwarmAdapterIT {
  private static final int NODES = 3;
  private static final Map<String, Long> TIMINGS = new LinkedHashMap<>();

  private static TestNetwork net;
  private static Path root;
  private static final List<DockerdNode> DAEMONS = new ArrayList<>();
  private static ArgvSampler sampler;
  private static List<Peer> view;

  @BeforeAll
  static void startDaemons() throws Exception {
    DockerdNode.dockerdBinary(); // fails with "apt-get install docker.io" when missing
    DockerdNode.dockerCli();
    root = Files.createTempDirectory(Path.of("/tmp"), "msw-");
    // Every 10 ms; any swarm join token (SWMTKN-...) in an argv is a violation.
    sampler = new ArgvSampler(Duration.ofMillis(10)).watch("SWMTKN-");
    net = TestNetwork.create("msw", "10.99.2", NODES);
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(NODES);
    try {
      List<Future<DockerdNode>> started = new ArrayList<>();
      for (TestNetwork.Node n : net.nodes()) {
        started.add(pool.submit(() -> DockerdNode.start(n, root.resolve(n.name()))));
      }
      List<RuntimeException> failures = new ArrayList<>();
      for (Future<DockerdNode> f : started) {
        try {
          DAEMONS.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          failures.add(new IllegalStateException(e.getCause().getMessage(), e.getCause()));
        }
      }
      if (!failures.isEmpty()) {
        throw failures.get(0);
      }
    } finally {
      pool.shutdown();
    }
    TIMINGS.put("start 3 dockerd in parallel", ms(t0));
    view = net.nodes().stream().map(n -> Peer.of(n.address())).toList();
  }

  @AfterAll
  static void stopEverything() throws Exception {
    List<Throwable> problems = new ArrayList<>();
    if (sampler != null) {
      sampler.close();
    }
    for (DockerdNode d : DAEMONS) {
      try {
        d.stop();
      } catch (RuntimeException e) {
        problems.add(e);
      }
    }
    if (net != null) {
      net.close();
    }
    if (root != null) {
      try {
        DockerdNode.deleteTree(root);
      } catch (java.io.IOException e) {
        problems.add(e);
      }
    }
    TIMINGS.forEach((k, v) -> System.out.printf("SWARM-IT TIMING %-55s %6d ms%n", k, v));
    if (sampler != null) {
      System.out.printf(
          "SWARM-IT sampler: %d rounds over /proc, %d argv reads, dockerd seen=%s%n",
          sampler.rounds(), sampler.processesSeen(), sampler.sawArgvContaining(root.toString()));
    }
    assertThat(problems).as("clean-up problems").isEmpty();
    assertThat(Files.exists(Path.of("/var/run/netns/msw-n1"))).isFalse();
  }

  /** Every test starts from three engines outside any swarm, none paused. */
  @BeforeEach
  void everyEngineOutOfAnySwarm() throws Exception {
    for (DockerdNode d : DAEMONS) {
      d.resume();
      DockerEngine e = d.engine();
      if (!e.info().localNodeState().equals("inactive")) {
        e.leaveSwarm(true);
      }
      await(Duration.ofSeconds(30), () -> state(d).equals("inactive"), d.node().name() + " out");
    }
  }

  @AfterEach
  void noJoinTokenEverInAnyArgv() {
    assertThat(sampler.violations()).isEmpty();
    assertThat(sampler.rounds()).as("sampler rounds").isGreaterThan(10);
    assertThat(sampler.sawArgvContaining(root.toString()))
        .as("sampler saw the test's dockerd argv")
        .isTrue();
  }

  @Test
  void oneManagerTwoWorkersThenWorkerLeaveRemoveAndRefusals() throws Exception {
    Map<String, String> labels = Map.of("web", "true");
    SwarmAdapter a1 = adapter(0, 1, labels);
    SwarmAdapter a2 = adapter(1, 1, labels);
    SwarmAdapter a3 = adapter(2, 1, labels);

    long t = System.nanoTime();
    Credentials creds = a1.form(new FormRequest("it", "gen-1", self(0), view));
    TIMINGS.put("form (swarm init + tokens + labels)", ms(t));
    creds.secrets().values().forEach(s -> sampler.watch(s.reveal()));
    String swarmId = creds.get(SwarmCredentials.CLUSTER_ID).orElseThrow().reveal();
    assertThat(swarmId).isEqualTo(DAEMONS.get(0).engine().info().clusterId());

    t = System.nanoTime();
    a2.join(join(1, List.of(peer(0)), creds));
    TIMINGS.put("join as worker", ms(t));
    a3.join(join(2, List.of(peer(0), peer(1)), creds));

    // The docker CLI on the manager sees 3 ready nodes; roles by rank with managers=1.
    Map<String, NodeRow> rows = nodeRows(DAEMONS.get(0));
    assertThat(rows).hasSize(3);
    assertThat(rows.values()).allMatch(r -> r.state().equals("ready"));
    assertThat(rows.get("10.99.2.1").role()).isEqualTo("manager");
    assertThat(rows.get("10.99.2.1").leader()).isTrue();
    assertThat(rows.get("10.99.2.2").role()).isEqualTo("worker");
    assertThat(rows.get("10.99.2.3").role()).isEqualTo("worker");
    // Labels: the manager set its own; workers cannot change node objects (documented).
    assertThat(rows.get("10.99.2.1").labels()).contains("\"web\":\"true\"");
    assertThat(rows.get("10.99.2.2").labels()).doesNotContain("web");

    assertThat(a1.verify(view)).isEmpty();
    assertThat(a2.verify(view)).isEmpty();
    // A worker's swarm id comes from its node certificate (GET /info does not show it).
    assertThat(DAEMONS.get(1).engine().info().clusterId()).isNull();
    LocalMembership m2 = a2.inspect();
    assertThat(m2.clustered()).isTrue();
    assertThat(m2.clusterId()).isEqualTo(swarmId);

    // Idempotent: joining again changes nothing.
    String nodeId2 = DAEMONS.get(1).engine().info().nodeId();
    t = System.nanoTime();
    a2.join(join(1, List.of(peer(0)), creds));
    TIMINGS.put("join again (already a member: verify only)", ms(t));
    assertThat(DAEMONS.get(1).engine().info().nodeId()).isEqualTo(nodeId2);
    assertThat(nodeRows(DAEMONS.get(0))).hasSize(3);

    // The only manager refuses to leave.
    assertThatThrownBy(() -> a1.leave(false))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("only manager");
    assertThat(state(DAEMONS.get(0))).isEqualTo("active");

    // A worker leaves; the manager marks it down later; then the manager removes it.
    t = System.nanoTime();
    a3.leave(false);
    TIMINGS.put("worker leave", ms(t));
    assertThat(state(DAEMONS.get(2))).isEqualTo("inactive");
    t = System.nanoTime();
    await(
        Duration.ofSeconds(60),
        () -> {
          try {
            a1.remove(peer(2));
            return true;
          } catch (AdapterException e) {
            assertThat(e.retryable()).as(e.getMessage()).isTrue();
            return false;
          }
        },
        "the manager to see the departed worker down and remove it");
    TIMINGS.put("worker leave -> seen down and removed by the manager", ms(t));
    assertThat(nodeRows(DAEMONS.get(0))).containsOnlyKeys("10.99.2.1", "10.99.2.2");

    // A node already in ANOTHER swarm is refused, not moved.
    SwarmAdapter other = adapter(2, 1, Map.of());
    Credentials otherCreds =
        other.form(new FormRequest("other", "gen-1", self(2), List.of(peer(2))));
    otherCreds.secrets().values().forEach(s -> sampler.watch(s.reveal()));
    assertThatThrownBy(() -> a3.join(join(2, List.of(peer(0)), creds)))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("already a member of swarm")
        .hasMessageContaining("not of swarm " + swarmId)
        .matches(e -> !((AdapterException) e).retryable());
    assertThat(nodeRows(DAEMONS.get(2))).hasSize(1);
    other.leave(true);

    // A rotated (stale) worker token: same swarm CA digest, wrong secret.
    String good = creds.get(SwarmCredentials.WORKER_TOKEN).orElseThrow().reveal();
    String stale = good.substring(0, good.lastIndexOf('-') + 1) + "0123456789abcdefghijklmno";
    sampler.watch(stale);
    Map<String, Secret> staleMap = new HashMap<>(creds.secrets());
    staleMap.put(SwarmCredentials.WORKER_TOKEN, Secret.of(stale));
    t = System.nanoTime();
    assertThatThrownBy(() -> a3.join(join(2, List.of(peer(0)), new Credentials(staleMap))))
        .isInstanceOf(CredentialsRejectedException.class)
        .hasMessageContaining("rejected this node's swarm-worker-token")
        .hasMessageNotContaining(stale)
        .hasMessageNotContaining("SWMTKN");
    TIMINGS.put("join with a stale token -> rejected", ms(t));
    assertThat(state(DAEMONS.get(2))).isEqualTo("inactive");
  }

  @Test
  void threeManagersByRankRefuseToLoseQuorumAndDemoteBeforeLeaving() throws Exception {
    Map<String, String> labels = Map.of("tier", "edge");
    SwarmAdapter a1 = adapter(0, 3, labels);
    SwarmAdapter a2 = adapter(1, 3, labels);
    SwarmAdapter a3 = adapter(2, 3, labels);
    Credentials creds = a1.form(new FormRequest("it", "gen-1", self(0), view));
    creds.secrets().values().forEach(s -> sampler.watch(s.reveal()));
    long t = System.nanoTime();
    a2.join(join(1, List.of(peer(0)), creds));
    TIMINGS.put("join as manager", ms(t));
    a3.join(join(2, List.of(peer(0), peer(1)), creds));

    Map<String, NodeRow> rows = nodeRows(DAEMONS.get(0));
    assertThat(rows).hasSize(3);
    assertThat(rows.values())
        .allMatch(r -> r.role().equals("manager") && r.reachability().equals("reachable"));
    assertThat(rows.values()).filteredOn(NodeRow::leader).hasSize(1);
    assertThat(rows.values()).allMatch(r -> r.labels().contains("\"tier\":\"edge\""));

    // Manager 3 freezes: 2 of 3 reachable. Leaving would leave 1 of 2: refused.
    DAEMONS.get(2).pause();
    t = System.nanoTime();
    await(
        Duration.ofSeconds(40),
        () -> nodeRows(DAEMONS.get(0)).get("10.99.2.3").reachability().equals("unreachable"),
        "manager 3 to be seen unreachable");
    TIMINGS.put("frozen manager seen unreachable", ms(t));
    assertThatThrownBy(() -> a2.leave(false))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("refusing to leave")
        .hasMessageContaining("3 manager(s), 1 unreachable")
        .hasMessageContaining("lose its quorum")
        .matches(e -> !((AdapterException) e).retryable());
    EngineInfo still = DAEMONS.get(1).engine().info();
    assertThat(still.active()).isTrue();
    assertThat(still.controlAvailable()).isTrue();

    // Manager 3 is back: leaving keeps 2 of 2. Demote, then leave.
    DAEMONS.get(2).resume();
    await(
        Duration.ofSeconds(60),
        () ->
            nodeRows(DAEMONS.get(0)).values().stream()
                .allMatch(r -> r.reachability().equals("reachable")),
        "all three managers reachable again");
    t = System.nanoTime();
    a2.leave(false);
    TIMINGS.put("manager leave (quorum check, demote, leave)", ms(t));
    assertThat(state(DAEMONS.get(1))).isEqualTo("inactive");
    Map<String, NodeRow> after = nodeRows(DAEMONS.get(0));
    assertThat(after.get("10.99.2.2").role()).isEqualTo("worker");
    assertThat(after.values())
        .filteredOn(r -> r.role().equals("manager"))
        .extracting(NodeRow::addr)
        .containsExactlyInAnyOrder("10.99.2.1", "10.99.2.3");
    assertThat(after.values())
        .filteredOn(r -> r.role().equals("manager"))
        .allMatch(r -> r.reachability().equals("reachable"));
    assertThat(a1.verify(List.of(peer(0), peer(2)))).isEmpty();
  }

  // ------------------------------------------------------------------ helpers

  private static SwarmAdapter adapter(int i, int managers, Map<String, String> labels) {
    DockerdNode d = DAEMONS.get(i);
    SwarmSettings s = new SwarmSettings(d.socketPath(), RolePolicy.AUTO, managers, labels, 2377);
    return new SwarmAdapter(
        s,
        () -> self(i),
        new HttpDockerEngine(d.socketPath()),
        NodeCertificate.FILE,
        Clock.systemUTC(),
        Sleeper.SYSTEM);
  }

  private static NodeIdentity self(int i) {
    return NodeIdentity.of("i-" + net.node(i).name(), net.node(i).address());
  }

  private static Peer peer(int i) {
    return Peer.of(net.node(i).address());
  }

  private static JoinRequest join(int i, List<Peer> members, Credentials creds) {
    return new JoinRequest("it", "gen-1", self(i), members, creds, view);
  }

  private static String state(DockerdNode d) {
    try {
      return d.engine().info().localNodeState();
    } catch (EngineException e) {
      throw new IllegalStateException(e.getMessage() + "\n" + d.logTail(20), e);
    }
  }

  record NodeRow(
      String id,
      String addr,
      String state,
      String role,
      String reachability,
      boolean leader,
      String labels) {}

  /** The node list as the docker CLI on {@code manager} prints it, by address. */
  private static Map<String, NodeRow> nodeRows(DockerdNode manager) {
    List<String> ids = List.of(manager.docker("node", "ls", "-q").trim().split("\\s+"));
    List<String> args = new ArrayList<>(List.of("node", "inspect", "--format"));
    args.add(
        "{{.ID}}|{{.Status.Addr}}|{{.Status.State}}|{{.Spec.Role}}|{{if .ManagerStatus}}"
            + "{{.ManagerStatus.Reachability}}|{{.ManagerStatus.Leader}}{{else}}-|false{{end}}"
            + "|{{json .Spec.Labels}}");
    args.addAll(ids);
    Map<String, NodeRow> rows = new LinkedHashMap<>();
    for (String line : manager.docker(args.toArray(String[]::new)).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\\|", 7);
      NodeRow r = new NodeRow(f[0], f[1], f[2], f[3], f[4], Boolean.parseBoolean(f[5]), f[6]);
      NodeRow prev = rows.put(r.addr(), r);
      if (prev != null) {
        throw new AssertionError("two swarm nodes at " + r.addr() + ": " + prev + ", " + r);
      }
    }
    return rows;
  }

  private static void await(Duration timeout, BooleanSupplier done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + "s waiting for " + what);
      }
      Thread.sleep(250);
    }
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
