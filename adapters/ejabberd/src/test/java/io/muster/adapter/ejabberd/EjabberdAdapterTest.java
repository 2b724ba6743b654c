package io.muster.adapter.ejabberd;

import static io.muster.process.RecordingProcessRunner.ok;
import static io.muster.process.RecordingProcessRunner.rc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.LocalMembership;
import io.muster.adapter.ejabberd.Fakes.MapEpmd;
import io.muster.adapter.ejabberd.Fakes.MemoryCookieFile;
import io.muster.adapter.ejabberd.Fakes.RecordingLog;
import io.muster.config.Settings;
import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner.ProcessResult;
import io.muster.process.RecordingProcessRunner;
import io.muster.testing.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EjabberdAdapterTest {
  static final String STATUS = "ejabberdctl status";
  static final String LIST = "ejabberdctl list_cluster";
  static final String MNESIA = "ejabberdctl mnesia_info";
  static final String STOP = "ejabberdctl stop";
  static final String RESTART = "systemctl restart ejabberd";
  static final String JOIN_N1 = "ejabberdctl join_cluster ejabberd@n1.example";
  static final String JOIN_N2 = "ejabberdctl join_cluster ejabberd@n2.example";

  static final ProcessResult UP = rc(0, "The node 'ejabberd@n3.example' is started");
  static final ProcessResult STARTING = rc(1, "The node 'ejabberd@n3.example' is starting");
  static final ProcessResult DOWN =
      rc(3, "Failed RPC connection to the node 'ejabberd@n3.example': nodedown");
  static final ProcessResult ALONE = ok("'ejabberd@n3.example'\n");
  static final ProcessResult WITH_N1 = ok("'ejabberd@n1.example'\n'ejabberd@n3.example'\n");

  /** mnesia_info of n3 alone in an old cluster with n1, which is down (~p wraps the lists). */
  static final ProcessResult MNESIA_WITH_N1_DOWN =
      ok(
          "[{access_module,mnesia},\n {auto_repair,true},\n {db_nodes,['ejabberd@n1.example',\n"
              + "             'ejabberd@n3.example']},\n {running_db_nodes,['ejabberd@n3.example']},\n"
              + " {version,\"4.21.3\"}]\n");

  static final ProcessResult MNESIA_ALONE =
      ok("[{db_nodes,['ejabberd@n3.example']},{running_db_nodes,['ejabberd@n3.example']}]\n");

  static final ProcessResult NO_PING_N1 =
      rc(1, "Error: error\nError: {no_ping,'ejabberd@n1.example'}\n");
  static final ProcessResult NO_PING_N2 =
      rc(1, "Error: error\nError: {no_ping,'ejabberd@n2.example'}\n");

  final NodeIdentity self =
      new NodeIdentity("i-3", IpLiteral.parse("10.0.0.3"), null, "n3.example", null, null, null);
  final Peer n1 = Peer.of("10.0.0.1").withHostname("n1.example");
  final Peer n2 = Peer.of("10.0.0.2").withHostname("n2.example");
  final Secret clusterCookie = Secret.of("ClusterCookie0123456789abcdefABCDEF");

  final RecordingProcessRunner runner = new RecordingProcessRunner().failOnUnscripted();
  final ManualClock time = new ManualClock();
  final MapEpmd epmd = new MapEpmd();
  final RecordingLog log = new RecordingLog();
  final ScriptedMnesia mnesia = new ScriptedMnesia();
  MemoryCookieFile cookieFile = new MemoryCookieFile(Secret.of("OLDCOOKIEFROMFIRSTSTART"));

  EjabberdAdapter adapter() {
    return adapter(Settings.empty());
  }

  EjabberdAdapter adapter(Settings s) {
    return new EjabberdAdapter(
        EjabberdSettings.from(s),
        () -> self,
        runner,
        time,
        time::sleep,
        cookieFile,
        epmd,
        mnesia,
        log.logger);
  }

  JoinRequest joinRequest(Credentials creds, Peer... members) {
    return new JoinRequest(
        "chat", "gen-1", self, List.of(members), creds, List.of(n1, n2, self.asPeer()));
  }

  Credentials creds() {
    return new Credentials(Map.of(EjabberdAdapter.COOKIE, clusterCookie));
  }

  // ---- form ----

  @Test
  void formWritesANewCookieStopsRestartsAndWaitsUntilStarted() throws Exception {
    runner.on(STATUS, DOWN, STARTING, UP).on(LIST, ALONE).on(STOP, ok("")).on(RESTART, ok(""));

    Credentials creds =
        adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    // list_cluster answers only from a running node: no status before it.
    assertThat(runner.lines()).containsExactly(LIST, STOP, STATUS, RESTART, STATUS, STATUS);
    Secret cookie = creds.get(EjabberdAdapter.COOKIE).orElseThrow();
    assertThat(cookie.reveal()).matches("[A-Za-z0-9]{43}");
    assertThat(cookieFile.writes).containsExactly(cookie);
    assertThat(creds.toString()).doesNotContain(cookie.reveal());
    assertThat(runner.everything()).doesNotContain(cookie.reveal());
    assertThat(log.all()).doesNotContain(cookie.reveal()).contains("formed ejabberd cluster chat");
    assertThat(time.slept()).isEqualTo(EjabberdAdapter.POLL);
  }

  @Test
  void formStartsEjabberdWithoutStoppingWhenItIsDown() throws Exception {
    cookieFile = new MemoryCookieFile(null);
    runner.on(LIST, DOWN).on(STATUS, UP).on(RESTART, ok(""));

    adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    assertThat(runner.lines()).containsExactly(LIST, RESTART, STATUS);
    assertThat(cookieFile.writes).hasSize(1);
  }

  @Test
  void formRefusesOnANodeThatIsAlreadyClustered() {
    runner.on(LIST, WITH_N1);

    assertThatThrownBy(
            () -> adapter().form(new FormRequest("chat", "gen-2", self, List.of(self.asPeer()))))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("already clustered with [ejabberd@n1.example]")
        .hasMessageContaining("ejabberdctl leave_cluster ejabberd@n3.example")
        .matches(e -> !((AdapterException) e).retryable());
    assertThat(cookieFile.writes).isEmpty();
    assertThat(runner.lines()).containsExactly(LIST);
  }

  // ---- epmd: no Erlang VM booted to learn what epmd already says ----

  static final Optional<List<String>> SELF_REGISTERED = Optional.of(List.of("ejabberd"));
  static final Optional<List<String>> SELF_ABSENT = Optional.of(List.of());

  @Test
  void aStartIsWatchedThroughEpmdBeforeStatusIsAsked() throws Exception {
    cookieFile = new MemoryCookieFile(null);
    // epmd lists the node from the third question after the restart.
    epmd.answer("n3.example", SELF_ABSENT, SELF_ABSENT, SELF_REGISTERED);
    runner.on(LIST, DOWN).on(STATUS, UP).on(RESTART, ok(""));

    adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    assertThat(runner.lines()).containsExactly(LIST, RESTART, STATUS);
    assertThat(time.slept()).isEqualTo(EjabberdAdapter.EPMD_POLL.multipliedBy(2));
  }

  @Test
  void anEpmdThatDidNotListTheNodeBeforeTheStopIsNotAskedWhetherItIsDown() throws Exception {
    // Another epmd than the node's (muster outside its network namespace) never lists it.
    epmd.answer("n3.example", SELF_ABSENT);
    runner.on(LIST, ALONE).on(STOP, ok("")).on(STATUS, STARTING, DOWN, UP).on(RESTART, ok(""));

    adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    assertThat(runner.lines()).containsExactly(LIST, STOP, STATUS, STATUS, RESTART, STATUS);
    assertThat(time.slept()).isEqualTo(EjabberdAdapter.POLL.plus(EjabberdAdapter.EPMD_WAIT));
  }

  @Test
  void anEpmdThatNeverListsTheNodeCostsAtMostTheEpmdWaitThenStatusDecides() throws Exception {
    cookieFile = new MemoryCookieFile(null);
    epmd.answer("n3.example", SELF_ABSENT); // e.g. another epmd than the node registers with
    runner.on(LIST, DOWN).on(STATUS, UP).on(RESTART, ok(""));

    adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    assertThat(runner.lines()).containsExactly(LIST, RESTART, STATUS);
    assertThat(time.slept()).isEqualTo(EjabberdAdapter.EPMD_WAIT);
  }

  @Test
  void afterStopTheNodeIsDownOnceEpmdDropsItsName() throws Exception {
    epmd.answer("n3.example", SELF_REGISTERED, SELF_REGISTERED, SELF_ABSENT, SELF_REGISTERED);
    runner.on(STATUS, UP).on(LIST, ALONE).on(STOP, ok("")).on(RESTART, ok(""));

    adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    // list_cluster (epmd lists it), stop; then epmd only until the name is gone.
    assertThat(runner.lines()).containsExactly(LIST, STOP, RESTART, STATUS);
    assertThat(time.slept()).isEqualTo(EjabberdAdapter.EPMD_POLL);
  }

  @Test
  void aJoinerWithAnotherCookieThatEpmdListsIsStoppedWithoutAStatusFirst() throws Exception {
    epmd.answer("n3.example", SELF_REGISTERED, SELF_REGISTERED, SELF_ABSENT, SELF_REGISTERED);
    runner
        .on(STOP, ok(""))
        .on(RESTART, ok(""))
        .on(STATUS, UP)
        .on(LIST, ALONE, WITH_N1)
        .on(JOIN_N1, ok(""));

    adapter().join(joinRequest(creds(), n1));

    assertThat(runner.lines()).containsExactly(STOP, RESTART, STATUS, LIST, JOIN_N1, LIST);
    assertThat(cookieFile.writes).containsExactly(clusterCookie);
  }

  @Test
  void withNoEpmdOnLoopbackAJoinerWithAnotherCookieStartsEjabberdWithoutAStatusCall()
      throws Exception {
    epmd.refusing.add(EjabberdAdapter.LOOPBACK);
    runner.on(RESTART, ok("")).on(STATUS, UP).on(LIST, ALONE, WITH_N1).on(JOIN_N1, ok(""));

    adapter().join(joinRequest(creds(), n1));

    assertThat(runner.lines()).containsExactly(RESTART, STATUS, LIST, JOIN_N1, LIST);
    assertThat(cookieFile.writes).containsExactly(clusterCookie);
  }

  @Test
  void withNoEpmdOnLoopbackAJoinerWithTheSameCookieStillAsksStatus() throws Exception {
    // Only status decides whether a node with the right cookie is restarted (ERL_DIST_PORT nodes
    // run without epmd).
    cookieFile = new MemoryCookieFile(clusterCookie);
    epmd.refusing.add(EjabberdAdapter.LOOPBACK);
    runner.on(STATUS, UP).on(LIST, WITH_N1);

    adapter().join(joinRequest(creds(), n1));

    assertThat(runner.lines()).containsExactly(STATUS, LIST);
  }

  @Test
  void anEpmdThatDoesNotListTheNodeIsNoProofThatItIsDown() throws Exception {
    // A wrong "down" would restart a running member: only ejabberdctl says down.
    epmd.answer("n3.example", SELF_ABSENT);
    runner.on(LIST, WITH_N1).on(MNESIA, MNESIA_WITH_N1_DOWN);

    assertThat(adapter().inspect().running()).isTrue();
    assertThat(adapter().verify(List.of(n1))).isEmpty();
  }

  @Test
  void whenEpmdCannotBeAskedStatusDecidesAsBefore() throws Exception {
    // No answer for n3.example at all (epmd bound elsewhere, or not running): ejabberdctl decides.
    cookieFile = new MemoryCookieFile(null);
    runner.on(LIST, DOWN).on(STATUS, DOWN, UP).on(RESTART, ok(""));

    adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    assertThat(runner.lines()).containsExactly(LIST, RESTART, STATUS, STATUS);
    assertThat(time.slept()).isEqualTo(EjabberdAdapter.POLL);
  }

  @Test
  void aListingThatFailsOnARunningNodeIsAFaultNotAStoppedNode() {
    runner.on(MNESIA, rc(1, "Error: badarg")).on(STATUS, UP);

    assertThatThrownBy(() -> adapter().inspect())
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("`ejabberdctl mnesia_info` exited 1: Error: badarg");
  }

  // ---- join ----

  @Test
  void joinWritesTheCookieRestartsJoinsThroughTheFirstMemberAndChecksListCluster()
      throws Exception {
    runner
        .on(STATUS, UP, DOWN, UP)
        .on(STOP, ok(""))
        .on(RESTART, ok(""))
        .on(LIST, ALONE, DOWN, WITH_N1)
        .on(JOIN_N1, ok(""));

    adapter().join(joinRequest(creds(), n1, n2));

    // After join_cluster (which restarts ejabberd) list_cluster alone is polled: no status.
    assertThat(runner.lines())
        .containsExactly(STATUS, STOP, STATUS, RESTART, STATUS, LIST, JOIN_N1, LIST, LIST);
    assertThat(cookieFile.writes).containsExactly(clusterCookie);
    assertThat(runner.everything()).doesNotContain(clusterCookie.reveal());
    assertThat(log.all())
        .doesNotContain(clusterCookie.reveal())
        .contains("WARN joining ejabberd cluster chat: join_cluster replaces this node's own");
    // The warning comes before the join command is run.
    assertThat(log.all().indexOf("replaces")).isLessThan(log.all().indexOf("joining through"));
  }

  @Test
  void everyCommandAndTheEpmdWaitAreLoggedAtDebugWithTheirDuration() throws Exception {
    epmd.answer("n3.example", SELF_ABSENT, SELF_ABSENT, SELF_REGISTERED);
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner.on(STATUS, DOWN, UP).on(RESTART, ok("")).on(LIST, WITH_N1);

    adapter().join(joinRequest(creds(), n1));

    // The manual clock moves only while the adapter sleeps (two epmd polls).
    assertThat(log.lines)
        .contains(
            "DEBUG `ejabberdctl status` exited 3 after 0 ms",
            "DEBUG `systemctl restart ejabberd` exited 0 after 0 ms",
            "DEBUG epmd lists ejabberd@n3.example after 200 ms; asking status",
            "DEBUG `ejabberdctl status` exited 0 after 0 ms",
            "DEBUG `ejabberdctl list_cluster` exited 0 after 0 ms");
  }

  @Test
  void theVerifyRightAfterAJoinUsesTheListingThatEndedItOnce() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner.on(STATUS, UP).on(LIST, ALONE, WITH_N1, ALONE).on(JOIN_N1, ok(""));
    EjabberdAdapter adapter = adapter();

    adapter.join(joinRequest(creds(), n1));
    assertThat(adapter.verify(List.of(n1))).isEmpty();

    // No list_cluster of its own: the one after join_cluster listed n1 moments before.
    assertThat(runner.lines()).containsExactly(STATUS, LIST, JOIN_N1, LIST);
    // Taken once: the next verify (the agent's periodic check) asks ejabberd, which now says
    // this node is alone.
    assertThat(adapter.verify(List.of(n1))).get().asString().contains("but not");
    assertThat(runner.lines()).containsExactly(STATUS, LIST, JOIN_N1, LIST, LIST);
  }

  @Test
  void aVerifyLaterThanJoinListingFreshAfterTheJoinAsksEjabberdAgain() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner.on(STATUS, UP).on(LIST, ALONE, WITH_N1, ALONE).on(JOIN_N1, ok(""));
    EjabberdAdapter adapter = adapter();

    adapter.join(joinRequest(creds(), n1));
    time.advance(EjabberdAdapter.JOIN_LISTING_FRESH.plusMillis(1));

    assertThat(adapter.verify(List.of(n1))).get().asString().contains("but not");
    assertThat(runner.lines()).containsExactly(STATUS, LIST, JOIN_N1, LIST, LIST);
  }

  @Test
  void theVerifyAfterAJoinOnAMemberUsesItsListingToo() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner.on(STATUS, UP).on(LIST, WITH_N1);
    EjabberdAdapter adapter = adapter();

    adapter.join(joinRequest(creds(), n1));
    assertThat(adapter.verify(List.of(n1))).isEmpty();

    assertThat(runner.lines()).containsExactly(STATUS, LIST);
  }

  @Test
  void joinOnAMemberWithTheSameCookieChangesNothing() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner.on(STATUS, UP).on(LIST, WITH_N1);

    adapter().join(joinRequest(creds(), n2, n1));

    assertThat(runner.lines()).containsExactly(STATUS, LIST);
    assertThat(cookieFile.writes).isEmpty();
    assertThat(log.all()).contains("already clustered with ejabberd@n1.example");
  }

  @Test
  void joinWithTheSameCookieStartsEjabberdWhenItIsDown() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner.on(STATUS, DOWN, UP).on(RESTART, ok("")).on(LIST, WITH_N1);

    adapter().join(joinRequest(creds(), n1));

    assertThat(runner.lines()).containsExactly(STATUS, RESTART, STATUS, LIST);
    assertThat(cookieFile.writes).isEmpty();
  }

  @Test
  void joinSkipsItselfAmongTheMembers() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner.on(STATUS, UP).on(LIST, ALONE, WITH_N1).on(JOIN_N1, ok(""));

    adapter().join(joinRequest(creds(), self.asPeer(), n1));

    assertThat(runner.lines()).containsExactly(STATUS, LIST, JOIN_N1, LIST);
  }

  @Test
  void joinTriesTheNextMemberWhenTheFirstIsDown() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    ProcessResult withN2 = ok("'ejabberd@n2.example'\n'ejabberd@n3.example'\n");
    runner.on(STATUS, UP).on(LIST, ALONE, withN2).on(JOIN_N1, NO_PING_N1).on(JOIN_N2, ok(""));

    adapter().join(joinRequest(creds(), n1, n2));

    assertThat(runner.lines()).containsExactly(STATUS, LIST, JOIN_N1, JOIN_N2, LIST);
    // Asked about the failed target (down, not refusing), and about this node (not the next).
    assertThat(epmd.asked).contains("n1.example").doesNotContain("n2.example");
    assertThat(log.all())
        .contains("could not join through ejabberd@n1.example: ")
        .contains("node down");
  }

  @Test
  void noPingFromANodeThatIsUpMeansTheCookieWasRejected() {
    cookieFile = new MemoryCookieFile(clusterCookie);
    epmd.byHost.put("n1.example", List.of("ejabberd"));
    runner.on(STATUS, UP).on(LIST, ALONE).on(JOIN_N1, NO_PING_N1).on(JOIN_N2, NO_PING_N2);

    assertThatThrownBy(() -> adapter().join(joinRequest(creds(), n1, n2)))
        .isInstanceOf(CredentialsRejectedException.class)
        .hasMessageContaining("[ejabberd@n1.example] are up but refuse this node")
        .hasMessageContaining("Erlang cookie differs")
        .hasMessageContaining("/var/lib/ejabberd/.erlang.cookie")
        .hasMessageContaining("ejabberd@n2.example: node down")
        .hasMessageNotContaining(clusterCookie.reveal());
  }

  @Test
  void noPingFromNodesThatAreAllDownIsARetryableNodeDownError() {
    cookieFile = new MemoryCookieFile(clusterCookie);
    epmd.byHost.put("n1.example", List.of("other"));
    runner.on(STATUS, UP).on(LIST, ALONE).on(JOIN_N1, NO_PING_N1).on(JOIN_N2, NO_PING_N2);

    assertThatThrownBy(() -> adapter().join(joinRequest(creds(), n1, n2)))
        .isInstanceOf(AdapterException.class)
        .isNotInstanceOf(CredentialsRejectedException.class)
        .hasMessageContaining("could not join ejabberd cluster chat through any member")
        .hasMessageContaining(
            "ejabberd@n1.example: node down (no node ejabberd registered with epmd on n1.example)")
        .hasMessageContaining("ejabberd@n2.example: node down")
        .matches(e -> ((AdapterException) e).retryable());
  }

  @Test
  void joinWithoutACookieInTheCredentialsFailsClearly() {
    assertThatThrownBy(() -> adapter().join(joinRequest(Credentials.none(), n1)))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("hold no erlang-cookie");
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void missingEjabberdctlSaysInstallEjabberdOrSetTheCtlKey() {
    runner.fail(
        MNESIA,
        new CommandException(
            "could not run `ejabberdctl mnesia_info`: No such file", new IOException("error=2")));

    assertThatThrownBy(() -> adapter().inspect())
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("Install ejabberd")
        .hasMessageContaining("adapter.ejabberd.ctl")
        .matches(e -> !((AdapterException) e).retryable());
  }

  @Test
  void aWrapperThatCannotExecuteEjabberdctlIsReportedAsMissing() {
    String wrapped = "nsenter --net=/var/run/netns/x ejabberdctl mnesia_info";
    runner.on(wrapped, rc(127, "nsenter: failed to execute ejabberdctl: No such file"));

    assertThatThrownBy(
            () ->
                adapter(
                        Settings.empty()
                            .with(
                                EjabberdAdapterProvider.CTL,
                                "nsenter,--net=/var/run/netns/x,ejabberdctl"))
                    .inspect())
        .hasMessageContaining("cannot run ejabberdctl (`" + wrapped)
        .hasMessageContaining("nsenter: failed to execute ejabberdctl")
        .hasMessageContaining("adapter.ejabberd.ctl");
  }

  @Test
  void aJoinThatTimesOutNamesTheJoinTimeoutKey() {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner
        .on(STATUS, UP)
        .on(LIST, ALONE)
        .fail(JOIN_N1, new CommandException("`" + JOIN_N1 + "` did not finish within 120 s"));

    assertThatThrownBy(() -> adapter().join(joinRequest(creds(), n1, n2)))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("did not finish within 120 s")
        .hasMessageContaining("raise adapter.ejabberd.join-timeout (now 120s)");
    // A timed-out join may still be running on the node: never start a second one.
    assertThat(runner.lines()).doesNotContain(JOIN_N2);
  }

  @Test
  void ejabberdThatNeverStartsFailsAfterTheStartTimeoutOnVirtualTime() {
    cookieFile = new MemoryCookieFile(null);
    runner.on(STATUS, DOWN).on(RESTART, ok(""));

    assertThatThrownBy(
            () ->
                adapter(Settings.empty().with(EjabberdAdapterProvider.START_TIMEOUT, "10s"))
                    .join(joinRequest(creds(), n1)))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("did not report started within 10s")
        .hasMessageContaining("node down")
        .hasMessageContaining("adapter.ejabberd.start-timeout");
    assertThat(time.slept()).isEqualTo(Duration.ofSeconds(10));
    // 1 initial status, then one per 500 ms poll until the deadline.
    assertThat(runner.lines().stream().filter(STATUS::equals)).hasSize(1 + 20 + 1);
  }

  @Test
  void aJoinThatSucceedsButNeverListsTheTargetNamesTheJoinTimeoutKey() {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner.on(STATUS, UP).on(LIST, ALONE).on(JOIN_N1, ok(""));

    assertThatThrownBy(
            () ->
                adapter(Settings.empty().with(EjabberdAdapterProvider.JOIN_TIMEOUT, "5s"))
                    .join(joinRequest(creds(), n1)))
        .hasMessageContaining("succeeded, but after 5s node ejabberd@n3.example lists")
        .hasMessageContaining("adapter.ejabberd.join-timeout");
    assertThat(time.slept()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void localNodeGoingDownDuringTheJoinIsNotBlamedOnTheTarget() {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner.on(STATUS, UP).on(LIST, ALONE).on(JOIN_N1, DOWN);

    assertThatThrownBy(() -> adapter().join(joinRequest(creds(), n1, n2)))
        .hasMessageContaining("ejabberd on this node stopped answering");
    assertThat(epmd.asked).doesNotContain("n1.example", "n2.example");
  }

  // ---- a join_cluster that ejabberdctl gave up on (its RPC times out after 60 s) ----

  static final ProcessResult RPC_TIMEOUT =
      rc(3, "Failed RPC connection to the node 'ejabberd@n3.example': timeout");

  static ProcessResult[] times(int n, ProcessResult r) {
    ProcessResult[] rs = new ProcessResult[n];
    java.util.Arrays.fill(rs, r);
    return rs;
  }

  static ProcessResult[] then(ProcessResult first, ProcessResult[] middle, ProcessResult last) {
    ProcessResult[] rs = new ProcessResult[middle.length + 2];
    rs[0] = first;
    System.arraycopy(middle, 0, rs, 1, middle.length);
    rs[rs.length - 1] = last;
    return rs;
  }

  @Test
  void aJoinThatEjabberdctlGaveUpOnButThatFinishedInsideEjabberdIsAJoin() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner.on(STATUS, UP, STARTING, STARTING, UP).on(LIST, ALONE, WITH_N1).on(JOIN_N1, RPC_TIMEOUT);

    assertThat(adapter().join(joinRequest(creds(), n1, n2)).through()).isEqualTo(n1);

    // No restart, no second target: the join through n1 went on and ended.
    assertThat(runner.lines()).containsExactly(STATUS, LIST, JOIN_N1, STATUS, STATUS, STATUS, LIST);
    assertThat(log.all()).contains("joined through ejabberd@n1.example after all");
  }

  @Test
  void aJoinStillHangingAtTheJoinTimeoutIsEndedByARestartAndCountsIfItGotThatFar()
      throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    // join-timeout 5s, polled every 500 ms: 10 answers "starting", then the restart.
    runner
        .on(STATUS, then(UP, times(10, STARTING), UP))
        .on(LIST, ALONE, WITH_N1)
        .on(JOIN_N1, RPC_TIMEOUT)
        .on(RESTART, ok(""));

    assertThat(
            adapter(Settings.empty().with(EjabberdAdapterProvider.JOIN_TIMEOUT, "5s"))
                .join(joinRequest(creds(), n1, n2))
                .through())
        .isEqualTo(n1);

    assertThat(runner.lines()).containsSubsequence(JOIN_N1, RESTART, STATUS, LIST);
    assertThat(runner.lines().stream().filter(STATUS::equals)).hasSize(1 + 10 + 1);
    assertThat(runner.lines()).doesNotContain(JOIN_N2);
    assertThat(time.slept()).isEqualTo(Duration.ofSeconds(5));
    assertThat(log.all()).contains("the join hangs inside it; restarting ejabberd ends it");
  }

  @Test
  void aHangingJoinThatARestartLeavesStandaloneIsARetryableFailureThatNamesTheTarget() {
    cookieFile = new MemoryCookieFile(clusterCookie);
    runner
        .on(STATUS, then(UP, times(10, STARTING), UP))
        .on(LIST, ALONE)
        .on(JOIN_N1, RPC_TIMEOUT)
        .on(RESTART, ok(""));

    assertThatThrownBy(
            () ->
                adapter(Settings.empty().with(EjabberdAdapterProvider.JOIN_TIMEOUT, "5s"))
                    .join(joinRequest(creds(), n1, n2)))
        .isInstanceOf(AdapterException.class)
        .isNotInstanceOf(CredentialsRejectedException.class)
        .hasMessageContaining("ejabberdctl join_cluster ejabberd@n1.example` did not finish")
        .hasMessageContaining("timeout")
        .hasMessageContaining("not clustered with ejabberd@n1.example, and muster joins again")
        .matches(e -> ((AdapterException) e).retryable());
    // Not tried through n2 while the join through n1 may still be under way inside ejabberd.
    assertThat(runner.lines()).doesNotContain(JOIN_N2).contains(RESTART);
  }

  @Test
  void inspectWithoutDbNodesInTheDumpIsAFault() {
    runner.on(MNESIA, ok("[{version,\"4.21.3\"}]"));

    assertThatThrownBy(() -> adapter().inspect()).hasMessageContaining("printed no db_nodes");
  }

  // ---- verifyTarget ----

  /** Scripted answers per node; records which node was asked with which cookie. */
  static final class ScriptedMnesia implements MnesiaProbe {
    final Map<String, Answer> answers = new java.util.HashMap<>();
    final Map<String, Answer> schemaCookies = new java.util.HashMap<>();
    final List<String> asked = new java.util.ArrayList<>();

    @Override
    public Answer dbNodes(String node, Secret cookie) {
      asked.add(node + " " + cookie.reveal());
      return answers.getOrDefault(node, new NoAnswer("erl_call: failed to connect to node"));
    }

    @Override
    public Answer schemaCookie(String node, Secret cookie) {
      asked.add("schema cookie of " + node + " " + cookie.reveal());
      return schemaCookies.getOrDefault(node, new NoAnswer("erl_call: failed to connect to node"));
    }
  }

  final Peer n4 = Peer.of("10.0.0.4").withHostname("n4.example");

  JoinRequest withFounder(Peer founder, Peer... members) {
    return new JoinRequest(
        "chat",
        "gen-1",
        self,
        List.of(members),
        creds(),
        List.of(n1, n2, self.asPeer()),
        Optional.of(founder));
  }

  static MnesiaProbe.DbNodes db(String... nodes) {
    return new MnesiaProbe.DbNodes(List.of(nodes));
  }

  @Test
  void aTargetInTheFoundersClusterProvesItWithTheGenerationsCookie() throws Exception {
    mnesia.answers.put("ejabberd@n2.example", db("ejabberd@n1.example", "ejabberd@n2.example"));

    assertThat(adapter().verifyTarget(withFounder(n1, n2), n2)).isEmpty();
    assertThat(mnesia.asked).containsExactly("ejabberd@n2.example " + clusterCookie.reveal());
    // No ejabberdctl call (no Erlang VM) for the check.
    assertThat(runner.lines()).isEmpty();
  }

  @Test
  void aStandaloneNodeWithTheCookieOnAMembersAddressIsRefused() throws Exception {
    // n2's address now belongs to a new instance whose own join failed: it runs with the cookie,
    // alone in its Mnesia.
    mnesia.answers.put("ejabberd@n2.example", db("ejabberd@n2.example"));

    assertThat(adapter().verifyTarget(withFounder(n1, n1, n2), n2))
        .get()
        .asString()
        .contains("ejabberd@n2.example accepts the cookie")
        .contains("holds neither the founder ejabberd@n1.example")
        .contains("a standalone node");
  }

  @Test
  void aNodeThatDoesNotAcceptTheCookieIsLeftToTheJoin() throws Exception {
    // Nothing joins through it (no_ping), and only the join tells a stale cookie in the store
    // (rejected credentials: fail fast with the fix) from a foreign node.
    epmd.byHost.put("n2.example", List.of("ejabberd"));

    assertThat(adapter().verifyTarget(withFounder(n1, n2), n2)).isEmpty();
    assertThat(adapter().verifyTarget(withFounder(n1, n4), n4)).isEmpty();
    assertThat(log.all())
        .contains("ejabberd node ejabberd@n2.example does not answer with cluster chat's cookie")
        .contains("epmd lists it");
  }

  @Test
  void theFounderAloneProvesItOnlyWhileNoOtherMemberIsRegistered() throws Exception {
    mnesia.answers.put("ejabberd@n1.example", db("ejabberd@n1.example"));

    // The generation's first join: the founder is the cluster.
    assertThat(adapter().verifyTarget(withFounder(n1, n1), n1)).isEmpty();
    // n2 is a registered member, yet the founder's node is alone: a new instance on its address.
    assertThat(adapter().verifyTarget(withFounder(n1, n1, n2), n1))
        .get()
        .asString()
        .contains("a standalone node");
  }

  @Test
  void theFounderClusteredWithThisNodeOnlyProvesIt() throws Exception {
    // This node was in the founder's cluster before (found by EjabberdAdapterIT).
    mnesia.answers.put("ejabberd@n1.example", db("ejabberd@n3.example", "ejabberd@n1.example"));

    assertThat(adapter().verifyTarget(withFounder(n1, n1, n2), n1)).isEmpty();
  }

  @Test
  void aTargetClusteredWithAnotherKnownMemberProvesItWhenTheFounderLeft() throws Exception {
    mnesia.answers.put("ejabberd@n2.example", db("ejabberd@n2.example", "ejabberd@n4.example"));

    assertThat(adapter().verifyTarget(withFounder(n1, n2, n4), n2)).isEmpty();
  }

  @Test
  void aClusterOfNodesNoneOfThemKnownIsRefused() throws Exception {
    // Two new instances that paired up on reused addresses, founder elsewhere.
    mnesia.answers.put("ejabberd@n2.example", db("ejabberd@n2.example", "ejabberd@n9.example"));

    assertThat(adapter().verifyTarget(withFounder(n1, n2), n2))
        .get()
        .asString()
        .contains("holds neither the founder ejabberd@n1.example");
  }

  // ---- verifyTarget by the published schema cookie ----

  static final String CLUSTER_SCHEMA =
      "{{1796455164214235097,-576460752303423455,1},'ejabberd@n1.example'}";
  static final String FRESH_SCHEMA =
      "{{1796455999079470618,-576460752303423454,1},'ejabberd@n1.example'}";

  Credentials credsWithIdentity() {
    return new Credentials(
        Map.of(
            EjabberdAdapter.COOKIE,
            clusterCookie,
            EjabberdAdapter.SCHEMA_COOKIE,
            Secret.of(CLUSTER_SCHEMA)));
  }

  JoinRequest withIdentity(Peer founder, Peer... members) {
    return new JoinRequest(
        "chat",
        "gen-1",
        self,
        List.of(members),
        credsWithIdentity(),
        List.of(n1, n2, self.asPeer()),
        Optional.of(founder));
  }

  @Test
  void aTargetWithTheClustersSchemaCookieProvesItWithOneQuestion() throws Exception {
    mnesia.schemaCookies.put("ejabberd@n1.example", new MnesiaProbe.SchemaCookie(CLUSTER_SCHEMA));
    mnesia.schemaCookies.put("ejabberd@n2.example", new MnesiaProbe.SchemaCookie(CLUSTER_SCHEMA));

    // The founder alone, and a member that joined it: both carry the founder's schema cookie.
    assertThat(adapter().verifyTarget(withIdentity(n1, n1, n2), n1)).isEmpty();
    assertThat(adapter().verifyTarget(withIdentity(n1, n1, n2), n2)).isEmpty();
    assertThat(mnesia.asked)
        .containsExactly(
            "schema cookie of ejabberd@n1.example " + clusterCookie.reveal(),
            "schema cookie of ejabberd@n2.example " + clusterCookie.reveal());
    assertThat(runner.lines()).isEmpty();
  }

  @Test
  void aStandaloneNodeOnTheFoundersAddressIsRefusedWhileTheFounderWouldBeAlone() throws Exception {
    // The gap of the db_nodes check: the founder's address now holds a new instance running with
    // the generation's cookie, alone, and no other member is registered yet. Its schema was made
    // at its own first start.
    mnesia.schemaCookies.put("ejabberd@n1.example", new MnesiaProbe.SchemaCookie(FRESH_SCHEMA));
    mnesia.answers.put("ejabberd@n1.example", db("ejabberd@n1.example"));

    assertThat(adapter().verifyTarget(withIdentity(n1, n1), n1))
        .get()
        .asString()
        .contains("ejabberd node ejabberd@n1.example accepts the cookie")
        .contains("schema cookie " + FRESH_SCHEMA)
        .contains("is not cluster chat's " + CLUSTER_SCHEMA)
        .contains("mnesia-schema-cookie");
    // Without the published identity the same node passes (the documented fallback).
    assertThat(adapter().verifyTarget(withFounder(n1, n1), n1)).isEmpty();
    assertThat(log.all())
        .contains("hold no mnesia-schema-cookie (formed before muster published it)")
        .contains("judging ejabberd node ejabberd@n1.example by its Mnesia db_nodes");
  }

  @Test
  void aTargetThatCannotTellItsSchemaCookieIsRefused() throws Exception {
    mnesia.schemaCookies.put(
        "ejabberd@n2.example",
        new MnesiaProbe.Failed("{badrpc, {'EXIT', {aborted, {no_exists, schema, cookie}}}}"));

    assertThat(adapter().verifyTarget(withIdentity(n1, n1, n2), n2))
        .get()
        .asString()
        .contains("cannot tell its Mnesia schema cookie ({badrpc")
        .contains("cannot prove it is in cluster chat");
  }

  @Test
  void aTargetThatDoesNotAcceptTheCookieIsLeftToTheJoinAlsoWithAnIdentity() throws Exception {
    assertThat(adapter().verifyTarget(withIdentity(n1, n1, n2), n2)).isEmpty();
    assertThat(log.all())
        .contains("ejabberd node ejabberd@n2.example does not answer with cluster chat's cookie");
  }

  @Test
  void formPublishesItsSchemaCookieAskedWithTheNewCookie() throws Exception {
    cookieFile = new MemoryCookieFile(null);
    runner.on(LIST, DOWN).on(STATUS, UP).on(RESTART, ok(""));
    mnesia.schemaCookies.put("ejabberd@n3.example", new MnesiaProbe.SchemaCookie(CLUSTER_SCHEMA));

    Credentials creds =
        adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    Secret cookie = creds.get(EjabberdAdapter.COOKIE).orElseThrow();
    assertThat(creds.get(EjabberdAdapter.SCHEMA_COOKIE).map(Secret::reveal))
        .contains(CLUSTER_SCHEMA);
    assertThat(mnesia.asked)
        .containsExactly("schema cookie of ejabberd@n3.example " + cookie.reveal());
    assertThat(log.all()).doesNotContain(cookie.reveal());
  }

  @Test
  void formWithoutASchemaCookiePublishesTheErlangCookieAndWarns() throws Exception {
    cookieFile = new MemoryCookieFile(null);
    runner.on(LIST, DOWN).on(STATUS, UP).on(RESTART, ok(""));
    mnesia.schemaCookies.put(
        "ejabberd@n3.example", new MnesiaProbe.Failed("{badrpc, {'EXIT', noproc}}"));

    Credentials creds =
        adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    assertThat(creds.get(EjabberdAdapter.COOKIE)).isPresent();
    assertThat(creds.get(EjabberdAdapter.SCHEMA_COOKIE)).isEmpty();
    assertThat(log.all())
        .contains("cannot read ejabberd@n3.example's Mnesia schema cookie")
        .contains("publishing no mnesia-schema-cookie");
  }

  @Test
  void theCookieNeverReachesArgvOrTheLog() throws Exception {
    mnesia.answers.put("ejabberd@n2.example", db("ejabberd@n2.example"));
    adapter().verifyTarget(withFounder(n1, n1, n2), n2);

    assertThat(runner.everything()).doesNotContain(clusterCookie.reveal());
    assertThat(log.all()).doesNotContain(clusterCookie.reveal());
  }

  @Test
  void mnesiaInfosListsAreReadAcrossWrappedLines() {
    String dump = MNESIA_WITH_N1_DOWN.stdout();
    assertThat(Ejabberdctl.mnesiaList(dump, "db_nodes"))
        .contains(List.of("ejabberd@n1.example", "ejabberd@n3.example"));
    assertThat(Ejabberdctl.mnesiaList(dump, "running_db_nodes"))
        .contains(List.of("ejabberd@n3.example"));
    assertThat(ErlCallMnesia.parseNodes("[ejabberd@localhost,'ejabberd@10.0.0.1']"))
        .containsExactly("ejabberd@localhost", "ejabberd@10.0.0.1");
  }

  // ---- inspect / verify ----

  @Test
  void inspectReadsMnesiasDbNodesSoANodeAloneInAnOldClusterIsClustered() throws Exception {
    // n1 is down: list_cluster (running nodes) would list n3 alone, "not clustered" (seed 7161).
    runner.on(MNESIA, MNESIA_WITH_N1_DOWN);

    assertThat(adapter().inspect())
        .isEqualTo(
            new LocalMembership(
                true, true, null, List.of("ejabberd@n1.example", "ejabberd@n3.example")));
    // mnesia_info answers only from a running node: one VM boot, no status before it.
    assertThat(runner.lines()).containsExactly(MNESIA);
  }

  @Test
  void inspectOfAStandaloneOrStoppedNode() throws Exception {
    runner.on(MNESIA, MNESIA_ALONE, DOWN);

    assertThat(adapter().inspect())
        .isEqualTo(new LocalMembership(true, false, null, List.of("ejabberd@n3.example")));
    assertThat(adapter().inspect()).isEqualTo(new LocalMembership(false, false, null, List.of()));
  }

  @Test
  void verifyWantsSelfAndAtLeastOneExpectedMemberInListCluster() throws Exception {
    runner.on(LIST, WITH_N1);

    assertThat(adapter().verify(List.of(n1))).isEmpty();
    // n2 died and is gone from list_cluster, but n1 shows this node joined the right cluster.
    assertThat(adapter().verify(List.of(n1, n2))).isEmpty();
    assertThat(adapter().verify(List.of(n2)))
        .contains(
            "list_cluster lists [ejabberd@n1.example, ejabberd@n3.example] but not"
                + " [ejabberd@n2.example]");
  }

  @Test
  void verifyReportsAStoppedNodeAndAWrongNodeName() throws Exception {
    runner.on(LIST, DOWN);
    assertThat(adapter().verify(List.of())).get().asString().contains("not running");

    RecordingProcessRunner other =
        new RecordingProcessRunner().failOnUnscripted().on(LIST, ok("'ejabberd@localhost'\n"));
    EjabberdAdapter a =
        new EjabberdAdapter(
            EjabberdSettings.from(Settings.empty()),
            () -> self,
            other,
            time,
            time::sleep,
            cookieFile,
            epmd,
            mnesia,
            log.logger);
    assertThat(a.verify(List.of()))
        .get()
        .asString()
        .contains("not this node ejabberd@n3.example")
        .contains("adapter.ejabberd.node-name must match ERLANG_NODE");
  }

  // ---- leave / remove ----

  @Test
  void leaveRunsLeaveClusterForItself() throws Exception {
    runner
        .on(STATUS, UP)
        .on(LIST, WITH_N1)
        .on("ejabberdctl leave_cluster ejabberd@n3.example", ok(""));

    adapter().leave(false);

    assertThat(runner.lines())
        .containsExactly(STATUS, LIST, "ejabberdctl leave_cluster ejabberd@n3.example");
    assertThat(log.all()).contains("stops ejabberd on this node and deletes its database");
  }

  @Test
  void leaveOfAStandaloneNodeDoesNothing() throws Exception {
    runner.on(STATUS, UP).on(LIST, ALONE);

    adapter().leave(true);

    assertThat(runner.lines()).containsExactly(STATUS, LIST);
  }

  @Test
  void leaveOfAStoppedNodeSaysHowToRemoveItFromAMember() {
    runner.on(STATUS, DOWN);

    assertThatThrownBy(() -> adapter().leave(false))
        .hasMessageContaining("on a member run `ejabberdctl leave_cluster ejabberd@n3.example`");
  }

  @Test
  void removeRunsLeaveClusterForTheOtherNode() throws Exception {
    runner.on("ejabberdctl leave_cluster ejabberd@n1.example", ok(""));

    adapter().remove(n1);

    assertThat(runner.lines()).containsExactly("ejabberdctl leave_cluster ejabberd@n1.example");
    assertThatThrownBy(() -> adapter().remove(self.asPeer())).hasMessageContaining("use leave");
  }

  // ---- plan / names ----

  @Test
  void planShowsTheExactCommandsAndNeverTheCookie() {
    cookieFile = new MemoryCookieFile(clusterCookie);
    List<String> plan =
        adapter(
                Settings.empty()
                    .with(EjabberdAdapterProvider.CTL, "ejabberdctl", "--config-dir", "/etc/e1"))
            .plan("join", List.of(n1, n2));

    assertThat(plan)
        .containsExactly(
            "write the cluster's Erlang cookie from the credential store (value not shown) to"
                + " /var/lib/ejabberd/.erlang.cookie (owner ejabberd, mode r--------)",
            "if it differs from the file and ejabberd runs: write the file, then `erl_call -e`"
                + " (presenting the old cookie) makes the running node read it"
                + " (erlang:set_cookie): no restart; if erl_call cannot reach the node:"
                + " `ejabberdctl --config-dir /etc/e1 stop`, write the file, `systemctl restart"
                + " ejabberd`; if ejabberd is not running: write the file, `systemctl restart"
                + " ejabberd`",
            "until ejabberd is started (erl_call: the ejabberd application runs; else"
                + " `ejabberdctl --config-dir /etc/e1 status` exits 0), at most 60s",
            "`ejabberdctl --config-dir /etc/e1 list_cluster` (nothing more to do if a member is"
                + " listed)",
            "`ejabberdctl --config-dir /etc/e1 join_cluster ejabberd@n1.example` (replaces this"
                + " node's database; next member only if this fails), then `ejabberdctl"
                + " --config-dir /etc/e1 list_cluster` until it lists ejabberd@n1.example",
            "`ejabberdctl --config-dir /etc/e1 join_cluster ejabberd@n2.example` (replaces this"
                + " node's database; next member only if this fails), then `ejabberdctl"
                + " --config-dir /etc/e1 list_cluster` until it lists ejabberd@n2.example");
    assertThat(String.join("\n", plan)).doesNotContain(clusterCookie.reveal());
    assertThat(adapter().plan("form", List.of()))
        .anyMatch(s -> s.startsWith("generate a new Erlang cookie (value not shown)"));
    assertThat(adapter().plan("wait", List.of()))
        .containsExactly("nothing to run for decision 'wait'");
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void addressNodeNamesNeedNoHostNames() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    Settings byAddress =
        Settings.empty().with(EjabberdAdapterProvider.NODE_NAME, "ejabberd@{address}");
    runner
        .on(STATUS, UP)
        .on(LIST, ok("'ejabberd@10.0.0.3'\n"), ok("'ejabberd@10.0.0.1'\n'ejabberd@10.0.0.3'\n"))
        .on("ejabberdctl join_cluster ejabberd@10.0.0.1", ok(""));

    adapter(byAddress).join(joinRequest(creds(), Peer.of("10.0.0.1")));

    assertThat(runner.lines()).contains("ejabberdctl join_cluster ejabberd@10.0.0.1");
  }

  @Test
  void aHostNameTemplateWithoutHostNamesFailsWithTheFix() {
    assertThatThrownBy(() -> adapter().join(joinRequest(creds(), Peer.of("10.0.0.1"))))
        .hasMessageContaining("cannot name the ejabberd node of 10.0.0.1")
        .hasMessageContaining("ejabberd@{address}");
  }
}
