package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.adapter.ejabberd.EjabberdAdapter;
import io.muster.adapter.ejabberd.EjabberdNode;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.Secret;
import io.muster.credentials.file.FileCredentialStore;
import io.muster.testing.ArgvSampler;
import io.muster.testing.TestNetwork;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * Issue 3 end to end: three real ejabberd 23.01 nodes (Debian package), each in its own network
 * namespace (TestNetwork "mee", 10.99.3.1-3), each driven by the real {@code muster join} of the
 * shaded jar running inside that namespace, with static discovery and one shared file store.
 *
 * <p>Several rounds start the three {@code muster join} processes in a random order with random
 * gaps, each round on three fresh standalone nodes, and check that exactly one node formed, the
 * others joined, and every node lists all three (one cluster). Then: {@code join} again on members
 * changes nothing (no restart), {@code leave} removes a node, and a tampered cookie in the store
 * makes {@code join} fail with the adapter's "refuse this node" message. Throughout, the Erlang
 * cookies never appear in muster's output or in any process's argv.
 *
 * <p>Rounds alternate two ways ejabberd is deployed ({@code -Dmuster.e2e.modes}, default {@code
 * stopped,running}): <b>stopped</b>, ejabberd installed but not started before muster (the image
 * does not start it at boot; muster writes the cluster's cookie and starts it, so a node never runs
 * with a cookie of its own: docs/adapters/ejabberd.md); <b>running</b>, ejabberd already runs with
 * its own first-start cookie, and muster switches the running node to the cluster's cookie without
 * a restart (erl_call; stop, write and start where erl_call cannot reach it).
 *
 * <p>Timings (last start to a complete cluster) go to target/ejabberd-e2e.md, and muster's outputs
 * to target/ejabberd-e2e-logs/; nothing asserts the timings. Run alone (from the repository root):
 *
 * <pre>
 * mvn -B -o -pl packaging -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=EjabberdJoinE2EIT -Dfailsafe.failIfNoSpecifiedTests=false [-Dmuster.e2e.seed=N]
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EjabberdJoinE2EIT {
  static final String PREFIX = "mee";
  static final String SUBNET = "10.99.3";
  static final int NODES = 3;

  /** Five per way of deploying ejabberd (MODES): a median of three was too few to judge. */
  static final int ROUNDS = Integer.getInteger("muster.e2e.rounds", 10);

  /** Round r runs in mode r modulo this list: "stopped" or "running" (see the class comment). */
  static final List<String> MODES =
      List.of(System.getProperty("muster.e2e.modes", "stopped,running").split(","));

  static final Path JAR = Path.of("target", "muster.jar").toAbsolutePath();
  static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath().toString();

  /**
   * A round that takes longer than this has hung: the processes are killed and it fails. Above what
   * a join that hangs inside ejabberd costs when the adapter ends it (join-timeout, 120 s from the
   * join's start, a restart, a second join): a round that needs that recovery passes.
   */
  static final Duration ROUND_LIMIT = Duration.ofSeconds(240);

  /** One {@code join}, {@code leave} of a member, or a wrong-cookie join. */
  static final Duration COMMAND_LIMIT = Duration.ofSeconds(90);

  static final String COMMAND =
      "mvn -B -o -pl packaging -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dit.test=EjabberdJoinE2EIT -Dfailsafe.failIfNoSpecifiedTests=false";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One muster process: which node, where its output goes, when it started and exited. */
  record MusterRun(
      int node,
      String command,
      Process process,
      Path stdout,
      Path stderr,
      long startNanos,
      CompletableFuture<Long> exitNanos) {
    String out() {
      return read(stdout);
    }

    String err() {
      return read(stderr);
    }

    String dump() {
      return "---- n"
          + (node + 1)
          + " muster "
          + command
          + " (exit "
          + (process.isAlive() ? "still running" : process.exitValue())
          + ") stdout:\n"
          + out()
          + "---- stderr:\n"
          + err();
    }
  }

  /** One row of the summary table. */
  record RoundResult(
      int round,
      String mode,
      String cluster,
      List<String> order,
      List<Long> gapsMs,
      String founder,
      Duration lastStartToComplete,
      Map<String, String> perNode) {}

  private TestNetwork net;
  private Path base;
  private ArgvSampler sampler;
  private long seed;
  private Random random;
  private final List<EjabberdNode> nodes = new ArrayList<>(); // the current round's nodes
  private final List<MusterRun> allRuns = Collections.synchronizedList(new ArrayList<>());
  private final List<String> cookies = new ArrayList<>(); // every cookie the run has seen
  private final List<RoundResult> results = new ArrayList<>();
  private final Map<String, String> notes = new LinkedHashMap<>();
  private List<String> jvmFlags; // the launcher's flags and the class-data archive
  private Path roundDir; // the last round's folder: store, state dirs, outputs, node dirs
  private String cluster; // the last round's cluster name
  private boolean roundsPassed;
  private boolean leftN3;

  @BeforeAll
  void setUp() throws Exception {
    EjabberdNode.requirePrerequisites();
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(
          JAR
              + " is missing: this test runs the shaded jar, which `mvn -pl packaging -am verify`"
              + " builds in the package phase before the integration tests");
    }
    if (!Files.isExecutable(Path.of(JAVA))) {
      throw new IllegalStateException("no java at " + JAVA + " to run muster with");
    }
    for (String mode : MODES) {
      if (!List.of("stopped", "running").contains(mode)) {
        throw new IllegalArgumentException(
            "-Dmuster.e2e.modes=" + String.join(",", MODES) + ": use stopped and/or running");
      }
    }
    seed = Long.getLong("muster.e2e.seed", System.currentTimeMillis());
    random = new Random(seed);
    System.out.println(
        "EjabberdJoinE2EIT: seed "
            + seed
            + " (re-run this order with -Dmuster.e2e.seed="
            + seed
            + "), "
            + ROUNDS
            + " rounds");
    net = TestNetwork.create(PREFIX, SUBNET, NODES);
    base = Files.createTempDirectory("mee-e2e-");
    sampler = new ArgvSampler();
    // As the launcher does on its first run; a dry run runs no ejabberdctl.
    Map<String, String> warm = new LinkedHashMap<>();
    warm.put("MUSTER_CLUSTER_NAME", "chat-cds");
    warm.put("MUSTER_DISCOVERY_PROVIDER", "static");
    warm.put(
        "MUSTER_DISCOVERY_STATIC_PEERS",
        net.nodes().stream().map(TestNetwork.Node::address).collect(Collectors.joining(",")));
    warm.put("MUSTER_NODE_ADDRESS", net.node(0).address());
    warm.put("MUSTER_NODE_INSTANCE_ID", net.node(0).name());
    warm.put("MUSTER_STORE_PROVIDER", "file");
    warm.put("MUSTER_STORE_FILE_DIR", base.resolve("cds/store").toString());
    warm.put("MUSTER_STATE_DIR", base.resolve("cds/state").toString());
    warm.put("MUSTER_ADAPTER_NAME", "ejabberd");
    warm.put("MUSTER_LOG_FORMAT", "json");
    jvmFlags = MusterCli.useClassDataArchive(net.node(0), warm, base.resolve("cds"));
  }

  @AfterAll
  void cleanUp() throws Exception {
    List<String> leaks = new ArrayList<>();
    try {
      if (sampler != null) {
        sampler.close();
      }
      synchronized (allRuns) {
        for (MusterRun r : allRuns) {
          if (r.process().isAlive()) {
            leaks.add("muster " + r.command() + " on n" + (r.node() + 1) + " still ran");
            r.process().destroyForcibly();
          }
        }
      }
      for (EjabberdNode n : nodes) {
        try {
          n.close();
          if (!n.processes().isEmpty()) {
            leaks.add(n.nodeName() + ": pids " + n.processes());
          }
        } catch (RuntimeException e) {
          leaks.add(n.nodeName() + ": " + e.getMessage());
        }
      }
    } finally {
      if (net != null) {
        net.close();
      }
      keepMusterOutputs();
      EjabberdNode.deleteTree(base);
      writeSummary();
    }
    assertThat(leaks).as("processes left behind").isEmpty();
  }

  // ---------------------------------------------------------------- the tests, in order

  @Test
  @Order(1)
  void everyRoundFormsExactlyOneClusterOfAllThreeNodes() throws Exception {
    for (int round = 1; round <= ROUNDS; round++) {
      results.add(round(round));
    }
    roundsPassed = true;
  }

  @Test
  @Order(2)
  void joinAgainOnMembersVerifiesAndChangesNothing() throws Exception {
    requireRounds();
    Map<Integer, Long> pids = new LinkedHashMap<>();
    for (int i = 0; i < NODES; i++) {
      pids.put(i, nodes.get(i).pid().orElseThrow());
    }
    long t0 = System.nanoTime();
    List<MusterRun> runs = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      runs.add(startMuster(i, roundDir, cluster, roundDir.resolve("store"), "join-again", "join"));
    }
    awaitAll(runs, COMMAND_LIMIT);
    notes.put(
        "`muster join` again on all three members (in parallel)",
        seconds(Duration.ofNanos(System.nanoTime() - t0)));
    checked(
        runs,
        () -> {
          for (MusterRun r : runs) {
            assertThat(r.process().exitValue())
                .as("exit of join-again on n" + (r.node() + 1))
                .isZero();
            assertThat(r.out())
                .contains("already a member of " + cluster + " generation 1")
                .contains("nothing changed");
            assertThat(nodes.get(r.node()).pid())
                .as("beam pid of n" + (r.node() + 1) + ": no restart")
                .contains(pids.get(r.node()));
          }
          assertOneCluster(List.of(0, 1, 2));
        });
  }

  @Test
  @Order(3)
  void leaveRemovesTheNodeFromTheOthers() throws Exception {
    requireRounds();
    long t0 = System.nanoTime();
    MusterRun leave =
        startMuster(2, roundDir, cluster, roundDir.resolve("store"), "leave", "leave");
    awaitAll(List.of(leave), COMMAND_LIMIT);
    notes.put("`muster leave` on n3", seconds(Duration.ofNanos(System.nanoTime() - t0)));
    checked(
        List.of(leave),
        () -> {
          assertThat(leave.process().exitValue()).as("exit of muster leave").isZero();
          assertThat(leave.out()).contains("left " + cluster);
          assertOneCluster(List.of(0, 1));
          // leave_cluster stops the leaver (and wipes its database).
          nodes.get(2).awaitStatus(3, Duration.ofSeconds(30));
          assertThat(store(roundDir.resolve("store")).members())
              .extracting(MemberRecord::instanceId)
              .containsExactlyInAnyOrder("n1", "n2");
        });
    leftN3 = true;
  }

  @Test
  @Order(4)
  void aTamperedCookieInTheStoreIsRejectedWithAClearMessage() throws Exception {
    requireRounds();
    if (!leftN3) {
      throw new IllegalStateException("this step needs n3 to have left (the leave test failed)");
    }
    // A copy of the real store whose published cookie for generation 1 is a different one.
    Path tampered = roundDir.resolve("tampered-store");
    copyTree(roundDir.resolve("store"), tampered);
    Secret wrong = Secret.random(32);
    cookies.add(wrong.reveal());
    store(tampered).putCredentials(1, new Credentials(Map.of(EjabberdAdapter.COOKIE, wrong)));
    assertThat(store(tampered).credentials(1).orElseThrow().get(EjabberdAdapter.COOKIE))
        .contains(wrong);

    long t0 = System.nanoTime();
    MusterRun join = startMuster(2, roundDir, cluster, tampered, "join-wrong-cookie", "join");
    awaitAll(List.of(join), COMMAND_LIMIT);
    notes.put(
        "`muster join` on n3 with a tampered cookie until exit 1",
        seconds(Duration.ofNanos(System.nanoTime() - t0)));
    checked(
        List.of(join),
        () -> {
          assertThat(join.process().exitValue()).as("exit of the wrong-cookie join").isEqualTo(1);
          String err = join.err();
          String failure =
              err.lines()
                  .map(EjabberdJoinE2EIT::finalErrorMessage)
                  .filter(m -> m.startsWith("join failed:"))
                  .findFirst()
                  .orElse("");
          assertThat(failure)
              .as("the failure line on stderr")
              .contains("rejected generation 1's credentials")
              .contains("the store holds no newer ones")
              .contains("are up but refuse this node")
              .contains("Erlang cookie differs")
              .contains(nodes.get(2).cookieFile().toString());
          notes.put("wrong-cookie message", failure);
          System.out.println("wrong cookie: muster join exited 1 with:\n  " + failure);
          // The cluster itself is untouched, and n3's JOINING registration went with its failure.
          assertOneCluster(List.of(0, 1));
          assertThat(store(tampered).members())
              .extracting(MemberRecord::instanceId)
              .containsExactlyInAnyOrder("n1", "n2");
        });
  }

  /**
   * Issue 18: the founder dies and a new instance on its address runs ejabberd as a standalone node
   * with the generation's cookie (a node whose own join failed after it wrote the cookie), so a
   * join_cluster through it would succeed and make a second cluster. Discovery and the store still
   * name that address as the founder, the one member a joiner of a small fleet joins through;
   * muster asks the target's Mnesia first (erl_call: it answers, but its schema cookie is its own,
   * not the one the founder published as {@code mnesia-schema-cookie}), refuses to join through it
   * with a log line naming the address and why, and waits (here until its --timeout) instead of
   * making a second cluster with it. (Its db_nodes alone could not tell it from the founder, still
   * alone: that check passed it.)
   */
  @Test
  @Order(5)
  void aStandaloneEjabberdOnTheFoundersAddressIsNotJoinedThrough() throws Exception {
    requireRounds();
    if (!leftN3) {
      throw new IllegalStateException("this step needs n3 out of the cluster (leave failed)");
    }
    Path storeDir = roundDir.resolve("store");
    FormationRecord formation = store(storeDir).currentFormation().orElseThrow();
    int founder = -1;
    for (int i = 0; i < NODES; i++) {
      if (nodes.get(i).network().name().equals(formation.ownerInstanceId())) {
        founder = i;
      }
    }
    assertThat(founder).as("the founder is n1 or n2 (n3 left)").isIn(0, 1);
    int survivor = 1 - founder;
    EjabberdNode dead = nodes.get(founder);
    dead.crash();
    dead.close();
    EjabberdNode.deleteTree(dead.dir());
    EjabberdNode reused =
        EjabberdNode.create(dead.network(), roundDir.resolve("ejabberd-reused-" + founder));
    nodes.set(founder, reused);
    // The generation's cookie, as muster writes it (owner ejabberd, 0400), then a fresh start:
    // alone in its own Mnesia.
    String cookie =
        store(storeDir)
            .credentials(formation.generation())
            .orElseThrow()
            .get(EjabberdAdapter.COOKIE)
            .orElseThrow()
            .reveal();
    assertThat(
            store(storeDir)
                .credentials(formation.generation())
                .orElseThrow()
                .get(EjabberdAdapter.SCHEMA_COOKIE))
        .as("the founder published its Mnesia schema cookie")
        .isPresent();
    Files.createDirectories(reused.cookieFile().getParent());
    Files.writeString(reused.cookieFile(), cookie);
    Files.setOwner(
        reused.cookieFile(),
        reused
            .cookieFile()
            .getFileSystem()
            .getUserPrincipalLookupService()
            .lookupPrincipalByName("ejabberd"));
    Files.setPosixFilePermissions(
        reused.cookieFile(), java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
    reused.start();
    assertThat(reused.listCluster()).containsExactly(reused.nodeName());
    String address = reused.network().address();

    long t0 = System.nanoTime();
    MusterRun join =
        startMuster(
            2, roundDir, cluster, storeDir, "join-reused-address", "join", "--timeout", "25s");
    awaitAll(List.of(join), COMMAND_LIMIT);
    notes.put(
        "`muster join` on n3 while the founder's address holds a standalone ejabberd, until its"
            + " --timeout 25s",
        seconds(Duration.ofNanos(System.nanoTime() - t0)));
    checked(
        List.of(join),
        () -> {
          assertThat(join.process().exitValue()).as("exit of the join that must wait").isEqualTo(1);
          String refusal =
              join.err()
                  .lines()
                  .filter(l -> l.contains("not joining through " + address))
                  .findFirst()
                  .orElse("");
          assertThat(refusal)
              .as("the log line that names the target and why")
              .contains(reused.nodeName() + " accepts the cookie but its Mnesia schema cookie")
              .contains(EjabberdAdapter.SCHEMA_COOKIE)
              .contains("another Mnesia cluster");
          notes.put("refusal", finalErrorMessage(refusal));
          // No second cluster: the standalone node is still alone, and n3 is not with it.
          assertThat(reused.listCluster()).containsExactly(reused.nodeName());
          assertThat(nodes.get(survivor).listCluster()).doesNotContain(nodes.get(2).nodeName());
        });
  }

  /**
   * Light joins (docs/formation.md) on real ejabberd: a fleet whose store budget makes it pace its
   * reads ({@code store.fleet-rate} 1/s: a waiting node of three reads every 6 s, above the 1 s
   * interval) joins through the founder at the read that shows its credentials, with no JOINING
   * record and no fresh listing, and registers a period (3 s) later. At the default budget only
   * fleets above 50 nodes take this path; the simulation covers those.
   */
  @Test
  @Order(6)
  void aPacedFleetJoinsLightlyThroughTheFounderAndRegistersAPeriodLater() throws Exception {
    Path dir = base.resolve("light");
    String name = "chat-light";
    freshNodes(dir, true);
    Path storeDir = dir.resolve("store");
    Map<String, String> paced = Map.of("MUSTER_STORE_FLEET_RATE", "1");
    List<MusterRun> runs = new ArrayList<>();
    for (int k = 0; k < NODES; k++) {
      runs.add(startMuster(k, dir, name, storeDir, "join-light", paced, "join"));
    }
    long t0 = System.nanoTime();
    awaitAll(runs, ROUND_LIMIT);
    notes.put(
        "light joins: three `muster join` started together, store.fleet-rate 1, until the last"
            + " exits",
        seconds(Duration.ofNanos(System.nanoTime() - t0)));
    checked(
        runs,
        () -> {
          assertOneClusterFormedByN1(runs, name, storeDir);
          for (MusterRun j : runs.subList(1, NODES)) {
            assertThat(j.err())
                .as("n" + (j.node() + 1) + " joined on the light path")
                .contains("generation 1's founder " + nodes.get(0).network().address())
                .contains("published its credentials; joining through it");
          }
        });
  }

  @Test
  @Order(7)
  void noCookieEverAppearedInOutputOrInAnyArgv() {
    // Checks the cookies of every round that got as far as forming, even if a later one failed.
    assertThat(cookies).as("cookies to look for (no round formed a cluster)").isNotEmpty();
    sampler.close();
    notes.put(
        "argv sampler",
        sampler.rounds()
            + " passes over /proc, "
            + sampler.processesSeen()
            + " process reads, "
            + sampler.distinct()
            + " distinct argvs");
    // Proof that the sampler sees what it must: muster itself and the short-lived ejabberdctl
    // join_cluster calls (about a second each).
    assertThat(sampler.sawArgvContaining(JAR.toString())).as("sampler saw muster").isTrue();
    assertThat(sampler.sawArgvContaining("join_cluster ejabberd@" + SUBNET + "."))
        .as("sampler saw an ejabberdctl join_cluster")
        .isTrue();
    assertThat(sampler.overflowed()).as("sampler kept every distinct argv").isFalse();
    List<String> leaks = new ArrayList<>();
    for (String cookie : cookies) {
      for (String program : sampler.programsWhoseArgvHeld(cookie)) {
        leaks.add("a cookie was in the argv of " + program);
      }
      synchronized (allRuns) {
        for (MusterRun r : allRuns) {
          if (r.out().contains(cookie) || r.err().contains(cookie)) {
            leaks.add(
                "a cookie was in the output of muster " + r.command() + " on n" + (r.node() + 1));
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  // ---------------------------------------------------------------- one round

  private RoundResult round(int round) throws Exception {
    Path dir = base.resolve("round-" + round);
    String name = "chat-r" + round;
    String mode = MODES.get((round - 1) % MODES.size());
    freshNodes(dir, mode.equals("running"));
    Path store = dir.resolve("store");

    List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
    Collections.shuffle(order, random);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < NODES; i++) {
      gaps.add((long) random.nextInt(3001));
    }
    System.out.printf(
        "round %d (%s): start order %s, gaps %s ms%n", round, mode, names(order), gaps);

    List<MusterRun> runs = new ArrayList<>();
    for (int k = 0; k < NODES; k++) {
      if (k > 0) {
        Thread.sleep(gaps.get(k - 1));
      }
      runs.add(startMuster(order.get(k), dir, name, store, "join", "join"));
    }
    long lastStart = runs.get(runs.size() - 1).startNanos();
    awaitAll(runs, ROUND_LIMIT);

    RoundResult[] result = new RoundResult[1];
    checked(
        runs,
        () -> {
          assertOneClusterFormedByN1(runs, name, store);
          long complete = runs.stream().mapToLong(r -> r.exitNanos().join()).max().orElseThrow();
          Map<String, String> perNode = new LinkedHashMap<>();
          for (MusterRun r : runs) {
            perNode.put(
                "n" + (r.node() + 1),
                (r.node() == 0 ? "formed " : "joined ")
                    + seconds(Duration.ofNanos(r.exitNanos().join() - r.startNanos()))
                    + " ("
                    + decisions(r).size()
                    + " steps)");
          }
          result[0] =
              new RoundResult(
                  round,
                  mode,
                  name,
                  names(order),
                  gaps,
                  "n1",
                  Duration.ofNanos(complete - lastStart),
                  perNode);
        });
    System.out.printf(
        "round %d: complete %s after the last start; %s%n",
        round, seconds(result[0].lastStartToComplete()), result[0].perNode());
    roundDir = dir;
    cluster = name;
    return result[0];
  }

  /**
   * The checks every formation of the three nodes passes: each {@code muster join} exited 0, n1
   * (the lowest address) formed generation 1 and the others joined it, one cluster of the three,
   * the store holds that generation and three members, and every node runs with the published
   * cookie, which no output shows (it is kept for {@link
   * #noCookieEverAppearedInOutputOrInAnyArgv}).
   */
  private void assertOneClusterFormedByN1(List<MusterRun> runs, String name, Path store)
      throws Exception {
    for (MusterRun r : runs) {
      assertThat(r.process().exitValue()).as("exit of muster join on n" + (r.node() + 1)).isZero();
    }
    List<MusterRun> formed =
        runs.stream().filter(r -> r.out().contains("formed " + name + " generation 1")).toList();
    List<MusterRun> joined =
        runs.stream()
            .filter(r -> r.out().contains("joined " + name + " generation 1 through "))
            .toList();
    assertThat(formed).as("nodes that printed 'formed'").hasSize(1);
    assertThat(joined).as("nodes that printed 'joined'").hasSize(NODES - 1);
    // The seed of the (static, always complete) view is the lowest address: n1.
    assertThat(formed.get(0).node()).as("founder").isZero();
    assertThat(decisions(formed.get(0))).contains("form").doesNotContain("join");
    for (MusterRun j : joined) {
      assertThat(decisions(j)).contains("join").doesNotContain("form");
    }
    assertOneCluster(List.of(0, 1, 2));
    // The store agrees: one generation, three members of it.
    FileCredentialStore s = store(store);
    FormationRecord f = s.currentFormation().orElseThrow();
    assertThat(f.generation()).isEqualTo(1);
    assertThat(f.ownerInstanceId()).isEqualTo("n1");
    assertThat(s.members())
        .extracting(MemberRecord::instanceId, MemberRecord::generation, MemberRecord::status)
        .containsExactlyInAnyOrder(
            tuple("n1", 1L, MemberRecord.Status.MEMBER),
            tuple("n2", 1L, MemberRecord.Status.MEMBER),
            tuple("n3", 1L, MemberRecord.Status.MEMBER));
    // Every node runs with the published cookie; it never shows in muster's output.
    String cookie =
        s.credentials(1).orElseThrow().get(EjabberdAdapter.COOKIE).orElseThrow().reveal();
    cookies.add(cookie);
    for (EjabberdNode n : nodes) {
      assertThat(Files.readString(n.cookieFile()).trim())
          .as("cookie file of " + n.nodeName() + " holds the published cookie")
          .isEqualTo(cookie);
    }
    for (MusterRun r : runs) {
      assertThat(r.out().contains(cookie) || r.err().contains(cookie))
          .as("cookie in the output of n" + (r.node() + 1))
          .isFalse();
    }
  }

  /**
   * Kills the previous round's nodes, deletes their dirs (spool, cookie, logs) and makes three
   * fresh nodes below {@code dir}; with {@code start}, starts them as standalone nodes, in
   * parallel.
   */
  private void freshNodes(Path dir, boolean start) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(NODES);
    try {
      List<Future<?>> stops = new ArrayList<>();
      for (EjabberdNode n : nodes) {
        stops.add(
            pool.submit(
                () -> {
                  // Its data goes anyway: kill the beam rather than pay for `ejabberdctl stop`.
                  n.crash();
                  n.close();
                  EjabberdNode.deleteTree(n.dir());
                }));
      }
      for (Future<?> f : stops) {
        f.get(120, TimeUnit.SECONDS);
      }
      nodes.clear();
      for (TestNetwork.Node n : net.nodes()) {
        nodes.add(EjabberdNode.create(n, dir.resolve("ejabberd-" + n.name())));
      }
      List<Future<?>> starts = new ArrayList<>();
      for (EjabberdNode n : nodes) {
        if (start) {
          starts.add(pool.submit((Runnable) n::start));
        }
      }
      for (Future<?> f : starts) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (EjabberdNode n : nodes) {
      if (start) {
        assertThat(n.listCluster()).as("fresh " + n.nodeName()).containsExactly(n.nodeName());
      } else {
        assertThat(n.pid()).as("fresh " + n.nodeName() + " not started").isEmpty();
        assertThat(n.cookieFile()).as("no cookie before muster writes one").doesNotExist();
      }
    }
  }

  // ---------------------------------------------------------------- muster processes

  private MusterRun startMuster(
      int node, Path dir, String clusterName, Path store, String label, String... args)
      throws IOException {
    return startMuster(node, dir, clusterName, store, label, Map.of(), args);
  }

  private MusterRun startMuster(
      int node,
      Path dir,
      String clusterName,
      Path store,
      String label,
      Map<String, String> extraEnv,
      String... args)
      throws IOException {
    EjabberdNode n = nodes.get(node);
    Path out = dir.resolve("muster-n" + (node + 1) + "-" + label + ".out");
    Path err = dir.resolve("muster-n" + (node + 1) + "-" + label + ".err");
    List<String> argv = new ArrayList<>(n.network().nsenter());
    // The launcher's (./muster) start-up flags and a class-data archive made in setUp (three
    // processes starting at once would race to write it).
    argv.add(JAVA);
    argv.addAll(jvmFlags);
    argv.addAll(List.of("-jar", JAR.toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    MusterCli.configureEnvironment(env, Map.of());
    env.put("MUSTER_CLUSTER_NAME", clusterName);
    env.put("MUSTER_DISCOVERY_PROVIDER", "static");
    env.put(
        "MUSTER_DISCOVERY_STATIC_PEERS",
        net.nodes().stream().map(TestNetwork.Node::address).collect(Collectors.joining(",")));
    env.put("MUSTER_NODE_ADDRESS", n.network().address());
    env.put("MUSTER_NODE_INSTANCE_ID", n.network().name());
    env.put("MUSTER_STORE_PROVIDER", "file");
    env.put("MUSTER_STORE_FILE_DIR", store.toString());
    env.put("MUSTER_STATE_DIR", dir.resolve("state-" + n.network().name()).toString());
    env.put("MUSTER_ADAPTER_NAME", "ejabberd");
    env.putAll(n.adapterEnv());
    env.put("MUSTER_ELECTION_STABLE_FOR", "3s");
    env.put("MUSTER_ELECTION_MIN_PEERS", "3");
    env.put("MUSTER_DISCOVERY_INTERVAL", "1s");
    env.put("MUSTER_JOIN_TIMEOUT", "180s");
    env.put("MUSTER_LOG_FORMAT", "json");
    // Debug adds the time of every ejabberdctl call (scripts/e2e-step-times.py sums them up).
    env.put("MUSTER_LOG_LEVEL", "debug");
    env.putAll(extraEnv);
    long t0 = System.nanoTime();
    Process p = pb.start();
    MusterRun run =
        new MusterRun(node, label, p, out, err, t0, p.onExit().thenApply(x -> System.nanoTime()));
    allRuns.add(run);
    return run;
  }

  /**
   * Waits for every run within {@code limit}; kills them all and fails with their output if not.
   */
  private void awaitAll(List<MusterRun> runs, Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    for (MusterRun r : runs) {
      long left = Math.max(0, end - System.nanoTime());
      if (!r.process().waitFor(left, TimeUnit.NANOSECONDS)) {
        runs.forEach(x -> x.process().destroyForcibly());
        for (MusterRun x : runs) {
          x.process().waitFor(10, TimeUnit.SECONDS);
        }
        throw new AssertionError(
            "muster did not finish within "
                + limit.toSeconds()
                + " s (killed):\n"
                + runs.stream().map(MusterRun::dump).collect(Collectors.joining("\n"))
                + ejabberdLogs());
      }
    }
  }

  /** Runs the checks; on failure prints every run's output and the nodes' log tails. */
  private void checked(List<MusterRun> runs, ThrowingRunnable checks) throws Exception {
    try {
      checks.run();
    } catch (AssertionError | RuntimeException e) {
      System.out.println(
          "FAILED: "
              + e.getMessage()
              + "\n"
              + runs.stream().map(MusterRun::dump).collect(Collectors.joining("\n"))
              + ejabberdLogs());
      throw e;
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** The "decision" field of each JSON step line on stderr (wait, form, join). */
  private static List<String> decisions(MusterRun r) {
    List<String> out = new ArrayList<>();
    for (String line : r.err().lines().toList()) {
      if (!line.startsWith("{")) {
        continue;
      }
      try {
        JsonNode j = JSON.readTree(line);
        if (j.has("decision")) {
          out.add(j.get("decision").asText());
        }
      } catch (IOException e) {
        throw new AssertionError("not a JSON log line (log.format=json): " + line, e);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- checks and helpers

  /** Every listed node's list_cluster shows exactly the listed nodes: one cluster of them. */
  private void assertOneCluster(List<Integer> members) {
    List<String> names = members.stream().map(i -> nodes.get(i).nodeName()).toList();
    for (int i : members) {
      assertThat(nodes.get(i).listCluster())
          .as("list_cluster on " + nodes.get(i).nodeName())
          .containsExactlyInAnyOrderElementsOf(names);
    }
  }

  private void requireRounds() {
    if (!roundsPassed) {
      throw new IllegalStateException(
          "this step needs the cluster of the last round, but the rounds test failed");
    }
  }

  private static FileCredentialStore store(Path storeDir) {
    return new FileCredentialStore(storeDir.resolve(currentCluster(storeDir)));
  }

  /** The one cluster folder below a store dir (each round's store holds one cluster). */
  private static String currentCluster(Path storeDir) {
    try (Stream<Path> s = Files.list(storeDir)) {
      List<String> names = s.map(p -> p.getFileName().toString()).toList();
      assertThat(names).as("clusters in " + storeDir).hasSize(1);
      return names.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
          Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(p));
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private String ejabberdLogs() {
    StringBuilder b = new StringBuilder();
    for (EjabberdNode n : nodes) {
      Path log = n.dir().resolve("log/ejabberd.log");
      List<String> lines = Files.isReadable(log) ? readLines(log) : List.of();
      b.append("\n---- ")
          .append(n.nodeName())
          .append(" ejabberd.log (last 30 lines):\n")
          .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
    }
    return b.toString();
  }

  private static List<String> readLines(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of("(unreadable: " + e + ")");
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static List<String> names(List<Integer> order) {
    return order.stream().map(i -> "n" + (i + 1)).toList();
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  // ---------------------------------------------------------------- summary

  private void writeSummary() throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("# ejabberd end to end: `muster join` on 3 real ejabberd nodes\n\n");
    b.append(
        String.format(
            "Seed %d, %d of %d rounds done, %d cores, load average %s.%n%n",
            seed,
            results.size(),
            ROUNDS,
            Runtime.getRuntime().availableProcessors(),
            loadAverage()));
    b.append("Command: `").append(COMMAND).append("`\n\n");
    b.append(
        "| round | ejabberd before muster | start order | gaps between starts | founder | last start -> 3-node cluster | per node (start -> exit) |\n");
    b.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (RoundResult r : results) {
      b.append(
          String.format(
              "| %d | %s | %s | %s | %s | %s | %s |%n",
              r.round(),
              r.mode(),
              String.join(", ", r.order()),
              r.gapsMs().stream().map(g -> g + " ms").collect(Collectors.joining(", ")),
              r.founder(),
              seconds(r.lastStartToComplete()),
              r.perNode().entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .collect(Collectors.joining("; "))));
    }
    Optional<Duration> median =
        median(results.stream().map(RoundResult::lastStartToComplete).toList());
    b.append("\nMedian time from the last node's start to a complete 3-node cluster: ")
        .append(median.map(EjabberdJoinE2EIT::seconds).orElse("-"))
        .append("\n");
    for (String mode : List.copyOf(new java.util.LinkedHashSet<>(MODES))) {
      List<Duration> of =
          results.stream()
              .filter(r -> r.mode().equals(mode))
              .map(RoundResult::lastStartToComplete)
              .toList();
      b.append("- ejabberd ")
          .append(mode)
          .append(" before muster: median ")
          .append(median(of).map(EjabberdJoinE2EIT::seconds).orElse("-"))
          .append(" over ")
          .append(of.size())
          .append(" round(s)\n");
    }
    if (!notes.isEmpty()) {
      b.append("\n");
      notes.forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append("\n"));
    }
    String text = b.toString();
    System.out.println(text);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "ejabberd-e2e.md"), text);
  }

  /**
   * Copies every muster process's stdout/stderr to target/ejabberd-e2e-logs/ (the temp dirs go);
   * the test asserts that they hold no cookie.
   */
  private void keepMusterOutputs() {
    Path logs = Path.of("target", "ejabberd-e2e-logs").toAbsolutePath();
    try {
      EjabberdNode.deleteTree(logs);
      synchronized (allRuns) {
        for (MusterRun r : allRuns) {
          for (Path p : List.of(r.stdout(), r.stderr())) {
            if (Files.exists(p)) {
              Path to = logs.resolve(base.relativize(p).toString());
              Files.createDirectories(to.getParent());
              Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      System.out.println("could not keep muster's outputs in " + logs + ": " + e);
    }
  }

  private static Optional<Duration> median(List<Duration> ds) {
    if (ds.isEmpty()) {
      return Optional.empty();
    }
    List<Duration> sorted = ds.stream().sorted().toList();
    int n = sorted.size();
    return Optional.of(
        n % 2 == 1
            ? sorted.get(n / 2)
            : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0] + " (1 min, at the end)";
    } catch (IOException e) {
      return "?";
    }
  }

  /**
   * The message of muster's final error line: "muster: MESSAGE" as text, or the "message" field
   * when the logs are JSON (then the final line is JSON too).
   */
  static String finalErrorMessage(String line) {
    if (line.startsWith("{")) {
      try {
        return JSON.readTree(line).path("message").asText("");
      } catch (java.io.IOException e) {
        return "";
      }
    }
    return line.startsWith("muster: ") ? line.substring("muster: ".length()) : "";
  }
}
