package io.muster.adapter.ejabberd;

import static io.muster.process.RecordingProcessRunner.ok;
import static io.muster.process.RecordingProcessRunner.rc;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.muster.process.ProcessRunner.ProcessResult;
import io.muster.process.RecordingProcessRunner;
import io.muster.testing.ManualClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The adapter when this node answers over erl_call ({@link LocalNode}): read-only checks without an
 * Erlang VM boot, and a running node's cookie switched without a restart.
 */
class EjabberdAdapterErlCallTest {
  static final String SELF = "ejabberd@n3.example";
  static final String N1 = "ejabberd@n1.example";
  static final String STATUS = "ejabberdctl status";
  static final String LIST = "ejabberdctl list_cluster";
  static final String STOP = "ejabberdctl stop";
  static final String RESTART = "systemctl restart ejabberd";
  static final String JOIN_N1 = "ejabberdctl join_cluster ejabberd@n1.example";
  static final ProcessResult UP = rc(0, "The node 'ejabberd@n3.example' is started");
  static final ProcessResult DOWN = rc(3, "nodedown");

  static final LocalNode.State ALONE = new LocalNode.Started(List.of(SELF), List.of(SELF));
  static final LocalNode.State WITH_N1 =
      new LocalNode.Started(List.of(N1, SELF), List.of(N1, SELF));
  static final LocalNode.State STARTING = new LocalNode.Starting();
  static final LocalNode.State REFUSED = new LocalNode.NoAnswer("failed to connect");

  final NodeIdentity self =
      new NodeIdentity("i-3", IpLiteral.parse("10.0.0.3"), null, "n3.example", null, null, null);
  final Peer n1 = Peer.of("10.0.0.1").withHostname("n1.example");
  final Secret old = Secret.of("OLDCOOKIEFROMFIRSTSTART");
  final Secret clusterCookie = Secret.of("ClusterCookie0123456789abcdefABCDEF");

  final RecordingProcessRunner runner = new RecordingProcessRunner().failOnUnscripted();
  final ManualClock time = new ManualClock();
  final MapEpmd epmd = new MapEpmd();
  final RecordingLog log = new RecordingLog();
  final ScriptedLocalNode local = new ScriptedLocalNode();
  MemoryCookieFile cookieFile = new MemoryCookieFile(old);

  /** Answers per presented cookie, in turn (the last repeats); records every question. */
  final class ScriptedLocalNode implements LocalNode {
    final Map<String, Deque<State>> byCookie = new HashMap<>();
    final List<String> asked = new ArrayList<>();
    boolean adopts = true;

    /** For cookies not scripted (the founder's new one): the node, switched or restarted. */
    State otherwise;

    void answer(Secret cookie, State... states) {
      byCookie.put(cookie.reveal(), new ArrayDeque<>(List.of(states)));
    }

    @Override
    public State state(String node, Secret cookie) {
      asked.add("state " + node + " " + name(cookie));
      Deque<State> d = byCookie.get(cookie.reveal());
      if (d == null) {
        return otherwise != null
            ? otherwise
            : new NoAnswer("erl_call: failed to connect to node " + node);
      }
      return d.size() > 1 ? d.poll() : d.peek();
    }

    @Override
    public boolean adoptCookieFile(String node, Secret current) {
      // The file already holds the new cookie when the node is asked to read it.
      asked.add(
          "adopt "
              + node
              + " "
              + name(current)
              + " (file: "
              + cookieFile.read().map(this::name).orElse("none")
              + ")");
      if (adopts) {
        byCookie.remove(current.reveal()); // the old cookie no longer reaches it
      }
      return adopts;
    }

    private String name(Secret s) {
      return s.equals(old) ? "old" : s.equals(clusterCookie) ? "cluster" : "other";
    }
  }

  EjabberdAdapter adapter() {
    return new EjabberdAdapter(
        EjabberdSettings.from(Settings.empty()),
        () -> self,
        runner,
        time,
        time::sleep,
        cookieFile,
        epmd,
        new MnesiaProbe() {
          @Override
          public Answer dbNodes(String node, Secret cookie) {
            return new NoAnswer("not asked");
          }

          @Override
          public Answer schemaCookie(String node, Secret cookie) {
            return new NoAnswer("not asked");
          }
        },
        local,
        log.logger);
  }

  JoinRequest joinRequest(Peer... members) {
    return new JoinRequest(
        "chat",
        "gen-1",
        self,
        List.of(members),
        new Credentials(Map.of(EjabberdAdapter.COOKIE, clusterCookie)),
        List.of(n1, self.asPeer()));
  }

  @Test
  void aRunningJoinerSwitchesItsCookieWithoutARestartAndBootsOneVmForJoinCluster()
      throws Exception {
    epmd.byHost.put("n3.example", List.of("ejabberd"));
    local.answer(old, ALONE);
    // After the switch: started, alone; after join_cluster: starting, then n1 is listed.
    local.answer(clusterCookie, ALONE, ALONE, STARTING, WITH_N1);
    runner.on(JOIN_N1, ok(""));

    adapter().join(joinRequest(n1));

    assertThat(runner.lines()).containsExactly(JOIN_N1);
    assertThat(cookieFile.writes).containsExactly(clusterCookie);
    assertThat(local.asked)
        .startsWith(
            "state " + SELF + " old",
            "adopt " + SELF + " old (file: cluster)",
            "state " + SELF + " cluster");
    assertThat(log.all())
        .contains("switching ejabberd's Erlang cookie without a restart")
        .contains("runs with the cluster's Erlang cookie, not restarted")
        .doesNotContain(clusterCookie.reveal())
        .doesNotContain(old.reveal());
  }

  @Test
  void afterJoinClusterErlCallIsPolledUntilTheTargetIsListed() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    local.answer(clusterCookie, ALONE, ALONE, STARTING, STARTING, WITH_N1);
    runner.on(JOIN_N1, ok(""));

    adapter().join(joinRequest(n1));

    // status, list_cluster, then the polls after join_cluster: all over erl_call.
    assertThat(runner.lines()).containsExactly(JOIN_N1);
    assertThat(time.slept()).isEqualTo(EjabberdAdapter.ERL_CALL_POLL.multipliedBy(2));
  }

  @Test
  void joinOnAMemberRunsNoEjabberdctlAtAll() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    local.answer(clusterCookie, WITH_N1);

    adapter().join(joinRequest(n1));

    assertThat(runner.lines()).isEmpty();
    assertThat(cookieFile.writes).isEmpty();
  }

  @Test
  void theFounderSwitchesToItsNewCookieWithoutARestart() throws Exception {
    local.answer(old, ALONE);
    local.otherwise = ALONE;

    Credentials creds =
        adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    Secret cookie = creds.get(EjabberdAdapter.COOKIE).orElseThrow();
    assertThat(runner.lines()).isEmpty();
    assertThat(cookieFile.writes).containsExactly(cookie);
    assertThat(local.asked)
        .containsExactly(
            "state " + SELF + " old", // refuse to form if clustered
            "state " + SELF + " old",
            "adopt " + SELF + " old (file: other)",
            "state " + SELF + " other");
  }

  @Test
  void aSwitchTheNodeDidNotTakeRestartsItWithoutAnEjabberdctlStop() throws Exception {
    epmd.byHost.put("n3.example", List.of("ejabberd"));
    local.answer(old, ALONE);
    local.adopts = false;
    runner.on(RESTART, ok("")).on(JOIN_N1, ok(""));
    // After the restart the node runs with the file's cookie.
    local.answer(clusterCookie, REFUSED, ALONE, ALONE, WITH_N1);

    adapter().join(joinRequest(n1));

    // ejabberdctl stop could no longer reach it (the file has the new cookie): the restart
    // command stops it.
    assertThat(runner.lines()).containsExactly(RESTART, JOIN_N1);
    assertThat(cookieFile.writes).containsExactly(clusterCookie);
    assertThat(log.all()).contains("did not take the new Erlang cookie");
  }

  @Test
  void whenErlCallCannotReachTheNodeItIsStoppedWrittenAndRestartedAsBefore() throws Exception {
    epmd.answer(
        "n3.example",
        Optional.of(List.of("ejabberd")),
        Optional.of(List.of("ejabberd")),
        Optional.of(List.of()),
        Optional.of(List.of("ejabberd")));
    // erl_call reaches it with neither cookie (e.g. it cannot reach this node from here).
    runner
        .on(STOP, ok(""))
        .on(RESTART, ok(""))
        .on(STATUS, UP)
        .on(
            LIST,
            ok("'ejabberd@n3.example'\n"),
            ok("'ejabberd@n1.example'\n'ejabberd@n3.example'\n"))
        .on(JOIN_N1, ok(""));

    adapter().join(joinRequest(n1));

    assertThat(runner.lines()).containsExactly(STOP, RESTART, STATUS, LIST, JOIN_N1, LIST);
    assertThat(cookieFile.writes).containsExactly(clusterCookie);
  }

  @Test
  void aNodeLeftWithTheOldCookieByAnAgentStoppedAfterTheWriteIsRestarted() throws Exception {
    // The file already holds the cluster's cookie; the node still runs with the old one, so
    // neither erl_call nor ejabberdctl reach it with the file's cookie.
    cookieFile = new MemoryCookieFile(clusterCookie);
    epmd.byHost.put("n3.example", List.of("ejabberd"));
    runner.on(STATUS, DOWN).on(RESTART, ok("")).on(JOIN_N1, ok(""));
    local.answer(clusterCookie, REFUSED, ALONE, ALONE, WITH_N1);

    adapter().join(joinRequest(n1));

    assertThat(runner.lines()).containsExactly(STATUS, RESTART, JOIN_N1);
    assertThat(cookieFile.writes).isEmpty();
  }

  @Test
  void inspectReadsDbNodesOverErlCall() throws Exception {
    cookieFile = new MemoryCookieFile(clusterCookie);
    // n1 is down: running_db_nodes is this node alone, db_nodes still holds n1.
    local.answer(clusterCookie, new LocalNode.Started(List.of(SELF), List.of(N1, SELF)));

    LocalMembership m = adapter().inspect();

    assertThat(m).isEqualTo(new LocalMembership(true, true, null, List.of(N1, SELF)));
    assertThat(runner.lines()).isEmpty();
  }

  @Test
  void aStoppedNodeWithoutCookieOrEpmdIsDownWithoutAVmBoot() throws Exception {
    cookieFile = new MemoryCookieFile(null);
    epmd.refusing.add(EjabberdAdapter.LOOPBACK);
    runner.on(RESTART, ok(""));
    local.otherwise = ALONE; // the started node, asked with the founder's new cookie

    adapter().form(new FormRequest("chat", "gen-1", self, List.of(self.asPeer())));

    assertThat(runner.lines()).containsExactly(RESTART);
    assertThat(local.asked).hasSize(1).allMatch(a -> a.startsWith("state " + SELF + " other"));
  }
}
