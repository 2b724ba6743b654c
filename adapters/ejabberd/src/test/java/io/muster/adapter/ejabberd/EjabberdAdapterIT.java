package io.muster.adapter.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.LocalMembership;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.model.Peer;
import io.muster.plugin.PluginContext;
import io.muster.plugin.Plugins;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import io.muster.process.RecordingProcessRunner;
import io.muster.process.SystemProcessRunner;
import io.muster.testing.TestNetwork;
import io.muster.time.Sleeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The adapter against three real ejabberd 23.01 nodes (Debian package), each in its own network
 * namespace (10.99.1.1-3, TestNetwork "mej") with its own dirs, epmd and cookie file. The tests
 * build on each other, in order: form, join, idempotent join, leave, node down, wrong cookie,
 * rejoin, removal of a crashed member.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EjabberdAdapterIT {

  /** How long each real command took: "status 412 ms", "join_cluster ejabberd@... 803 ms". */
  private final List<String> commandTimes = Collections.synchronizedList(new ArrayList<>());

  /** Records every command the adapter runs, then runs it for real and times it. */
  private final RecordingProcessRunner runner =
      new RecordingProcessRunner().otherwise(this::runTimed);

  private ProcessResult runTimed(Command command) throws CommandException {
    long t0 = System.nanoTime();
    try {
      return new SystemProcessRunner().run(command);
    } finally {
      List<String> argv = command.argv();
      // "status" or "join_cluster ejabberd@..." rather than the whole nsenter ... prefix.
      String shortName =
          argv.get(argv.size() - 1).endsWith("restart.sh")
              ? "restart.sh"
              : argv.contains("-e")
                  ? "erl_call " + (command.stdin().contains("set_cookie") ? "set_cookie" : "status")
                  : argv.contains("-a")
                      ? "erl_call " + argv.get(argv.size() - 1)
                      : String.join(
                          " ", argv.subList(argv.indexOf("--config-dir") + 2, argv.size()));
      commandTimes.add(String.format("%s %d ms", shortName, (System.nanoTime() - t0) / 1_000_000));
    }
  }

  private final Map<String, Duration> timings = new LinkedHashMap<>();
  private TestNetwork net;
  private Path base;
  private final List<EjabberdNode> nodes = new ArrayList<>();
  private EjabberdNode n1;
  private EjabberdNode n2;
  private EjabberdNode n3;
  private Credentials cluster;

  @BeforeAll
  void startThreeStandaloneNodes() throws Exception {
    EjabberdNode.requirePrerequisites();
    // On failure here JUnit still runs cleanUp() (@AfterAll), which handles partial set-ups.
    net = TestNetwork.create("mej", "10.99.1", 3);
    base = Files.createTempDirectory("mej-it-");
    for (TestNetwork.Node n : net.nodes()) {
      EjabberdNode node = EjabberdNode.create(n, base.resolve(n.name()));
      nodes.add(node);
      node.start();
      timings.put(
          "start " + node.nodeName() + " (ejabberdctl start until status 0)", node.lastStart());
    }
    n1 = nodes.get(0);
    n2 = nodes.get(1);
    n3 = nodes.get(2);
  }

  @AfterAll
  void cleanUp() {
    List<String> leaks = new ArrayList<>();
    try {
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
      EjabberdNode.deleteTree(base);
      System.out.println("ejabberd adapter IT timings (3 nodes, ejabberd 23.01, 2-core VM):");
      timings.forEach((what, d) -> System.out.printf("  %-75s %6d ms%n", what, d.toMillis()));
      System.out.println("commands run by the adapter, each with its duration:");
      breakdown.forEach(b -> System.out.println("  " + b));
    }
    assertThat(leaks).as("processes left in the test namespaces").isEmpty();
  }

  private EjabberdAdapter adapter(EjabberdNode n) {
    return adapter(n, EjabberdSettings.from(n.adapterSettings()));
  }

  private EjabberdAdapter adapter(EjabberdNode n, EjabberdSettings s) {
    return new EjabberdAdapter(
        s,
        n::identity,
        runner,
        Clock.systemUTC(),
        Sleeper.SYSTEM,
        new PosixCookieFile(s.cookieFile(), s.cookieOwner(), s.cookieMode()),
        n.epmdProbe(),
        new ErlCallMnesia(s, runner, base.resolve("state/handoff")),
        new ErlCallLocalNode(
            new ErlCall(
                s,
                runner,
                base.resolve("state/handoff"),
                Clock.systemUTC(),
                org.slf4j.LoggerFactory.getLogger(EjabberdAdapter.class)),
            s.cookieFile()),
        org.slf4j.LoggerFactory.getLogger(EjabberdAdapter.class));
  }

  /**
   * The hidden nodes connected to {@code target}'s Erlang node, asked by an erl_call from {@code
   * from}'s namespace, which is one of them: muster's erl_calls (at form and in verifyTarget) must
   * not leave a connection to a node that a join_cluster then goes through. Waits a little for the
   * target to notice connections that closed just before.
   */
  private List<String> otherHiddenNodes(EjabberdNode from, EjabberdNode target, Secret cookie)
      throws Exception {
    Path home = Files.createTempDirectory(base, "hidden-check-");
    Path file = home.resolve(".erlang.cookie");
    Files.writeString(file, cookie.reveal());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    String me = "hidden-check-" + System.nanoTime();
    List<String> argv = new ArrayList<>(from.erlCallArgv());
    argv.addAll(List.of("-h", me, "-name", target.nodeName(), "-a", "erlang nodes [hidden]"));
    try {
      List<String> others = List.of();
      for (int attempt = 0; attempt < 50; attempt++) {
        ProcessResult r =
            new SystemProcessRunner()
                .run(
                    Command.of(Duration.ofSeconds(10), argv)
                        .withEnv(Map.of("HOME", home.toString())));
        assertThat(r.ok()).as("erl_call nodes(hidden): " + r.stdout() + r.stderr()).isTrue();
        // Itself (named by -h); any other is a connection something left open.
        List<String> hidden = ErlCallMnesia.parseNodes(r.stdout());
        assertThat(hidden)
            .as("erl_call sees itself among " + target.nodeName() + "'s")
            .anyMatch(n -> n.startsWith(me + "@"));
        others = hidden.stream().filter(n -> !n.startsWith(me + "@")).toList();
        if (others.isEmpty()) {
          return others;
        }
        Thread.sleep(100);
      }
      return others;
    } finally {
      EjabberdNode.deleteTree(home);
    }
  }

  private JoinRequest join(EjabberdNode self, Credentials creds, EjabberdNode... members) {
    List<Peer> peers = new ArrayList<>();
    for (EjabberdNode m : members) {
      peers.add(m.peer());
    }
    return new JoinRequest(
        "chat", "gen-1", self.identity(), peers, creds, List.of(n1.peer(), n2.peer(), n3.peer()));
  }

  private final List<String> breakdown = new ArrayList<>();

  private Duration timed(String what, ThrowingRunnable r) throws Exception {
    int first = commandTimes.size();
    long t0 = System.nanoTime();
    r.run();
    Duration d = Duration.ofNanos(System.nanoTime() - t0);
    timings.put(what, d);
    breakdown.add(
        what + ": " + String.join(", ", commandTimes.subList(first, commandTimes.size())));
    return d;
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  @Order(1)
  void formWritesAFreshCookieSwitchesTheRunningNodeToItAndPublishesTheCookieAndSchemaCookie()
      throws Exception {
    // Through the ServiceLoader, as the agent does.
    // Its own state.dir: the default, /var/lib/muster, is the installed package's (erl_call's
    // cookie hand-off directory goes under it).
    Settings withState =
        n1.adapterSettings().with(CoreKeys.STATE_DIR, base.resolve("state").toString());
    ClusterAdapter viaProvider =
        (ClusterAdapter)
            Plugins.adapters()
                .selected(withState.with(CoreKeys.ADAPTER_NAME, "ejabberd"))
                .create(
                    new PluginContext(
                        withState, n1::identity, runner, Clock.systemUTC(), Sleeper.SYSTEM));
    String before = Files.readString(n1.cookieFile());
    long pidBefore = n1.pid().orElseThrow();

    int first = runner.commands().size();
    timed(
        "form on n1 (erl_call status, write cookie, erl_call set_cookie, erl_call status)",
        () ->
            cluster =
                viaProvider.form(
                    new FormRequest("chat", "gen-1", n1.identity(), List.of(n1.peer()))));

    Secret cookie = cluster.get(EjabberdAdapter.COOKIE).orElseThrow();
    assertThat(cookie.reveal()).matches("[A-Za-z0-9]{43}").isNotEqualTo(before);
    // The cluster's identity: the Mnesia schema cookie n1 made at its first start.
    assertThat(cluster.get(EjabberdAdapter.SCHEMA_COOKIE).map(Secret::reveal))
        .get()
        .asString()
        .startsWith("{{")
        .contains(n1.nodeName());
    assertThat(Files.readString(n1.cookieFile())).isEqualTo(cookie.reveal());
    // The erl_call that read the schema cookie left no connection to n1 behind.
    assertThat(otherHiddenNodes(n1, n1, cookie)).as("hidden nodes left connected to n1").isEmpty();
    assertThat(Files.getOwner(n1.cookieFile()).getName()).isEqualTo("ejabberd");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(n1.cookieFile())))
        .isEqualTo("r--------");
    try (var files = Files.list(n1.cookieFile().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(".erlang.cookie");
    }
    // No restart: the running node took the new cookie (erlang:set_cookie over erl_call), and
    // ejabberdctl, which reads the new file, reaches it.
    assertThat(n1.pid()).as("not restarted").contains(pidBefore);
    assertThat(runner.lines().subList(first, runner.lines().size()))
        .as("no ejabberdctl, no restart")
        .allMatch(l -> l.contains("/usr/bin/erl_call "));
    assertThat(n1.status()).isZero();
    assertThat(n1.listCluster()).containsExactly(n1.nodeName());
    assertThat(viaProvider.inspect())
        .isEqualTo(new LocalMembership(true, false, null, List.of(n1.nodeName())));
    assertThat(String.join("\n", runner.lines())).doesNotContain(cookie.reveal());
  }

  @Test
  @Order(2)
  void twoNodesJoinThroughMembersAndEveryNodeListsAllThree() throws Exception {
    timed(
        "join n2 through n1 (cookie, restart, join_cluster, list_cluster)",
        () -> adapter(n2).join(join(n2, cluster, n1)));
    timed(
        "join n3 through n2 then n1 (cookie, restart, join_cluster, list_cluster)",
        () -> adapter(n3).join(join(n3, cluster, n2, n1)));

    List<String> all = List.of(n1.nodeName(), n2.nodeName(), n3.nodeName());
    for (EjabberdNode n : List.of(n1, n2, n3)) {
      assertThat(n.listCluster()).as("list_cluster on " + n.nodeName()).hasSameElementsAs(all);
      assertThat(adapter(n).verify(List.of(n1.peer(), n2.peer(), n3.peer()))).isEmpty();
      assertThat(adapter(n).inspect().clustered()).isTrue();
      assertThat(Files.readString(n.cookieFile()))
          .isEqualTo(cluster.get(EjabberdAdapter.COOKIE).orElseThrow().reveal());
    }
    assertThat(runner.lines())
        .contains(
            String.join(" ", n2.ctlArgv()) + " join_cluster " + n1.nodeName(),
            String.join(" ", n3.ctlArgv()) + " join_cluster " + n2.nodeName());
  }

  @Test
  @Order(3)
  void joiningAgainOnAMemberChangesNothing() throws Exception {
    long pid = n2.pid().orElseThrow();
    int before = runner.commands().size();

    timed("join again on member n2 (no change)", () -> adapter(n2).join(join(n2, cluster, n1)));

    // Two questions over erl_call (status, then list_cluster), no Erlang VM booted.
    List<String> ran = runner.lines().subList(before, runner.lines().size());
    // Each erl_call names itself (-h muster-ejabberd-PID-RANDOM): a client name of its own.
    String erlCall =
        java.util.regex.Pattern.quote(String.join(" ", n2.erlCallArgv()))
            + " -h muster-ejabberd-[0-9a-f-]+ "
            + java.util.regex.Pattern.quote("-name " + n2.nodeName() + " -e");
    assertThat(ran).hasSize(2).allMatch(l -> l.matches(erlCall), "an erl_call to n2: " + erlCall);
    assertThat(n2.pid()).contains(pid);
    assertThat(n2.listCluster()).hasSize(3);
  }

  @Test
  @Order(4)
  void aRestartAfterTheCookieSwitchKeepsTheCluster() throws Exception {
    // n1 formed and n2 joined without a restart for their cookies: a later restart (as
    // `systemctl restart ejabberd`) reads the cookie file, which already holds the cluster's.
    for (EjabberdNode n : List.of(n1, n2)) {
      long pid = n.pid().orElseThrow();
      ProcessResult r =
          new SystemProcessRunner().run(Command.of(Duration.ofSeconds(120), n.restartArgv()));
      assertThat(r.exitCode()).as("restart of " + n.nodeName() + ": " + r.stdout()).isZero();
      n.awaitStatus(0, Duration.ofSeconds(60));
      assertThat(n.pid()).as("restarted").isPresent().get().isNotEqualTo(pid);
      List<String> all = List.of(n1.nodeName(), n2.nodeName(), n3.nodeName());
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!n.listCluster().containsAll(all) && System.nanoTime() < end) {
        Thread.sleep(200);
      }
      for (EjabberdNode m : List.of(n1, n2, n3)) {
        assertThat(m.listCluster())
            .as("list_cluster on " + m.nodeName() + " after restarting " + n.nodeName())
            .hasSameElementsAs(all);
      }
    }
  }

  @Test
  @Order(5)
  void aLeavingNodeIsRemovedAndStops() throws Exception {
    timed("leave n3 (leave_cluster itself)", () -> adapter(n3).leave(false));

    n3.awaitStatus(3, Duration.ofSeconds(30));
    assertThat(n1.listCluster()).containsExactlyInAnyOrder(n1.nodeName(), n2.nodeName());
    assertThat(n2.listCluster()).containsExactlyInAnyOrder(n1.nodeName(), n2.nodeName());
    assertThat(adapter(n1).verify(List.of(n3.peer())))
        .get()
        .asString()
        .contains("but not [" + n3.nodeName() + "]");
  }

  @Test
  @Order(6)
  void aJoinThroughAnAddressWithoutEjabberdIsARetryableNodeDown() throws Exception {
    // n3 is stopped (leave stops it): the adapter starts it again, fresh and standalone.
    Peer nobody = Peer.of("10.99.1.9");
    JoinRequest req =
        new JoinRequest(
            "chat", "gen-1", n3.identity(), List.of(nobody), cluster, List.of(n1.peer()));

    assertThatThrownBy(() -> adapter(n3).join(req))
        .isInstanceOf(AdapterException.class)
        .isNotInstanceOf(CredentialsRejectedException.class)
        .hasMessageContaining(
            "ejabberd@10.99.1.9: node down (no node ejabberd registered with epmd on 10.99.1.9)")
        .matches(e -> ((AdapterException) e).retryable());
    assertThat(n3.status()).isZero();
    assertThat(n3.listCluster()).containsExactly(n3.nodeName());

    // Issue 18: n3 now is what a new instance on a dead member's address can be, a standalone
    // ejabberd running with the generation's cookie. A joiner (n2's view, founder n1) refuses to
    // join through it and proves n1 and n2 (one erl_call each, no Erlang VM): n2 joined through
    // n1 and carries n1's schema cookie; n3's schema was made afresh when leave_cluster deleted
    // its database.
    JoinRequest stale =
        new JoinRequest(
            "chat",
            "gen-1",
            n2.identity(),
            List.of(n3.peer(), n1.peer()),
            cluster,
            List.of(n1.peer(), n2.peer(), n3.peer()),
            java.util.Optional.of(n1.peer()));
    long t0 = System.nanoTime();
    java.util.Optional<String> refused = adapter(n2).verifyTarget(stale, n3.peer());
    timings.put(
        "verifyTarget of standalone n3 (erl_call mnesia schema cookie)",
        Duration.ofNanos(System.nanoTime() - t0));
    assertThat(refused)
        .get()
        .asString()
        .contains(n3.nodeName() + " accepts the cookie but its Mnesia schema cookie")
        .contains(
            "is not cluster chat's "
                + cluster.get(EjabberdAdapter.SCHEMA_COOKIE).orElseThrow().reveal());
    assertThat(adapter(n2).verifyTarget(stale, n1.peer())).isEmpty();
    // Credentials of a cluster formed before the schema cookie was published: db_nodes decide.
    Credentials legacy =
        new Credentials(
            Map.of(EjabberdAdapter.COOKIE, cluster.get(EjabberdAdapter.COOKIE).orElseThrow()));
    JoinRequest staleLegacy =
        new JoinRequest(
            "chat",
            "gen-1",
            n2.identity(),
            List.of(n3.peer(), n1.peer()),
            legacy,
            List.of(n1.peer(), n2.peer(), n3.peer()),
            java.util.Optional.of(n1.peer()));
    assertThat(adapter(n2).verifyTarget(staleLegacy, n3.peer()))
        .get()
        .asString()
        .contains("its Mnesia cluster (db_nodes [" + n3.nodeName() + "])")
        .contains("a standalone node");
    assertThat(adapter(n2).verifyTarget(staleLegacy, n1.peer())).isEmpty();
    JoinRequest fromN3 =
        new JoinRequest(
            "chat",
            "gen-1",
            n3.identity(),
            List.of(n2.peer()),
            cluster,
            List.of(n1.peer(), n2.peer(), n3.peer()),
            java.util.Optional.of(n1.peer()));
    assertThat(adapter(n3).verifyTarget(fromN3, n2.peer())).isEmpty();
    // A node with another cookie does not answer erl_call: nothing can join through it, so the
    // join decides (a stale cookie in the store is then rejected credentials, which fail fast).
    Credentials other = new Credentials(Map.of(EjabberdAdapter.COOKIE, Secret.random(32)));
    JoinRequest foreign =
        new JoinRequest(
            "chat",
            "gen-1",
            n3.identity(),
            List.of(n1.peer()),
            other,
            List.of(n1.peer()),
            java.util.Optional.of(n1.peer()));
    assertThat(adapter(n3).verifyTarget(foreign, n1.peer())).isEmpty();
    // The checks' erl_calls left no connection to the targets a join_cluster goes through.
    Secret clusterCookie = cluster.get(EjabberdAdapter.COOKIE).orElseThrow();
    assertThat(otherHiddenNodes(n2, n1, clusterCookie)).as("hidden nodes on n1").isEmpty();
    assertThat(otherHiddenNodes(n2, n3, clusterCookie)).as("hidden nodes on n3").isEmpty();
    assertThat(String.join("\n", runner.lines()))
        .doesNotContain(cluster.get(EjabberdAdapter.COOKIE).orElseThrow().reveal());
    try (var left = Files.list(base.resolve("state/handoff"))) {
      assertThat(left).as("erl_call's cookie hand-off directories are removed").isEmpty();
    }
  }

  @Test
  @Order(7)
  void aWrongCookieIsRejectedWithAClearMessage() throws Exception {
    Credentials wrong = new Credentials(Map.of(EjabberdAdapter.COOKIE, Secret.random(32)));
    long t0 = System.nanoTime();

    assertThatThrownBy(() -> adapter(n3).join(join(n3, wrong, n1)))
        .isInstanceOf(CredentialsRejectedException.class)
        .hasMessageContaining("[" + n1.nodeName() + "] are up but refuse this node")
        .hasMessageContaining("Erlang cookie differs")
        .hasMessageContaining(n3.cookieFile().toString());
    timings.put(
        "join n3 with a wrong cookie until CredentialsRejectedException",
        Duration.ofNanos(System.nanoTime() - t0));
    assertThat(n1.listCluster()).containsExactlyInAnyOrder(n1.nodeName(), n2.nodeName());
  }

  @Test
  @Order(8)
  void afterARejectionTheRightCookieJoins() throws Exception {
    timed(
        "rejoin n3 through n1 with the right cookie",
        () -> adapter(n3).join(join(n3, cluster, n1)));

    for (EjabberdNode n : List.of(n1, n2, n3)) {
      assertThat(n.listCluster()).hasSize(3);
    }
  }

  @Test
  @Order(9)
  void aCrashedMemberIsRemovedFromTheCluster() throws Exception {
    n3.crash();
    n1.awaitStatus(0, Duration.ofSeconds(10));

    timed("remove crashed n3 from n1 (leave_cluster n3)", () -> adapter(n1).remove(n3.peer()));

    assertThat(n1.listCluster()).containsExactlyInAnyOrder(n1.nodeName(), n2.nodeName());
    assertThat(n2.listCluster()).containsExactlyInAnyOrder(n1.nodeName(), n2.nodeName());
    // Removing it again is harmless (ejabberd's del_table_copy of an unknown node is ok).
    adapter(n1).remove(n3.peer());
    assertThat(n1.listCluster()).containsExactlyInAnyOrder(n1.nodeName(), n2.nodeName());
  }

  /**
   * A join_cluster that hangs inside ejabberd, as after two nodes joined the same member at once
   * (processone/ejabberd#2906): ejabberdctl gives up after 60 s, the join goes on with ejabberd's
   * application stopped, and only a restart ends it. Made to hang for sure by a transaction on n1
   * that holds a write lock on Mnesia's schema table, which every step of the join's copy of the
   * schema waits for. The adapter restarts n3 at its join-timeout and fails with a retryable error;
   * once the lock is gone, the next join goes through.
   */
  @Test
  @Order(10)
  void aJoinThatHangsInsideEjabberdIsEndedByARestartAndTheNextJoinGoesThrough() throws Exception {
    // n3 crashed above and was removed: a new standalone node on its address, as after an
    // instance replacement, still holding the cluster's cookie file.
    n3.stop();
    try (var database = Files.list(n3.dir().resolve("spool"))) {
      database.forEach(EjabberdNode::deleteTree);
    }
    n3.start();
    assertThat(n3.listCluster()).containsExactly(n3.nodeName());
    Secret cookie = cluster.get(EjabberdAdapter.COOKIE).orElseThrow();

    erlCall(
        n1,
        cookie,
        "P = spawn(fun() -> mnesia:transaction(fun() -> mnesia:lock({table, schema}, write),"
            + " receive muster_it_release -> ok end end) end),"
            + " register(muster_it_schema_lock, P), ok.");
    EjabberdSettings s =
        EjabberdSettings.from(
            n3.adapterSettings().with(EjabberdAdapterProvider.JOIN_TIMEOUT, "70s"));
    long t0 = System.nanoTime();
    try {
      assertThatThrownBy(() -> adapter(n3, s).join(join(n3, cluster, n1)))
          .isInstanceOf(AdapterException.class)
          .isNotInstanceOf(CredentialsRejectedException.class)
          .hasMessageContaining("join_cluster " + n1.nodeName() + "` did not finish")
          .hasMessageContaining("timeout")
          .hasMessageContaining("not clustered with " + n1.nodeName())
          .matches(e -> ((AdapterException) e).retryable());
    } finally {
      erlCall(n1, cookie, "muster_it_schema_lock ! muster_it_release, ok.");
    }
    timings.put(
        "join n3 that hangs inside ejabberd, until the restart at join-timeout 70s",
        Duration.ofNanos(System.nanoTime() - t0));
    assertThat(runner.lines())
        .as("the hanging join was ended by the restart command")
        .contains(String.join(" ", n3.restartArgv()));
    assertThat(n3.status()).isZero();

    timed(
        "join n3 again once the join no longer hangs",
        () -> adapter(n3).join(join(n3, cluster, n1)));
    for (EjabberdNode n : List.of(n1, n2, n3)) {
      assertThat(n.listCluster()).as("list_cluster on " + n.nodeName()).hasSize(3);
    }
  }

  /** Runs {@code expression} on {@code target}'s node over erl_call, presenting {@code cookie}. */
  private void erlCall(EjabberdNode target, Secret cookie, String expression) throws Exception {
    Path home = Files.createTempDirectory(base, "erl-call-");
    Path file = home.resolve(".erlang.cookie");
    Files.writeString(file, cookie.reveal());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    List<String> argv = new ArrayList<>(target.erlCallArgv());
    argv.addAll(List.of("-h", "it-" + System.nanoTime(), "-name", target.nodeName(), "-e"));
    try {
      ProcessResult r =
          new SystemProcessRunner()
              .run(
                  Command.of(Duration.ofSeconds(10), argv)
                      .withEnv(Map.of("HOME", home.toString()))
                      .withStdin(expression + "\n"));
      assertThat(r.stdout().strip())
          .as("erl_call " + expression + ": " + r.stderr())
          .isEqualTo("{ok, ok}");
    } finally {
      EjabberdNode.deleteTree(home);
    }
  }
}
