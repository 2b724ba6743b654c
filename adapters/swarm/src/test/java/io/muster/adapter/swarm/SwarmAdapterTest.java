package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.LocalMembership;
import io.muster.adapter.swarm.SwarmSettings.RolePolicy;
import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SwarmAdapterTest {
  private static final List<Peer> VIEW =
      List.of(Peer.of("10.0.0.1"), Peer.of("10.0.0.2"), Peer.of("10.0.0.3"), Peer.of("10.0.0.4"));

  private final FakeDockerEngine engine = new FakeDockerEngine();
  private final ManualClock clock = new ManualClock();
  private String certificateClusterId = "swarmA";

  private SwarmAdapter adapter(String self, int managers, Map<String, String> labels) {
    engine.selfAddr = self;
    SwarmSettings s =
        new SwarmSettings(Path.of("/fake/docker.sock"), RolePolicy.AUTO, managers, labels, 2377);
    return new SwarmAdapter(
        s,
        () -> NodeIdentity.of("i-" + self, self),
        engine,
        root -> Optional.ofNullable(certificateClusterId),
        clock,
        clock::sleep);
  }

  private SwarmAdapter adapter(String self) {
    return adapter(self, 3, Map.of());
  }

  private static Credentials creds(Secret worker, Secret manager, String clusterId) {
    Map<String, Secret> m = new HashMap<>();
    if (worker != null) {
      m.put("swarm-worker-token", worker);
    }
    if (manager != null) {
      m.put("swarm-manager-token", manager);
    }
    if (clusterId != null) {
      m.put("swarm-cluster-id", Secret.of(clusterId));
    }
    return new Credentials(m);
  }

  private static Credentials goodCreds() {
    return creds(FakeDockerEngine.WORKER_TOKEN, FakeDockerEngine.MANAGER_TOKEN, "swarmA");
  }

  private static JoinRequest joinRequest(String self, List<Peer> members, Credentials c) {
    return new JoinRequest("prod", "gen-1", NodeIdentity.of("i-" + self, self), members, c, VIEW);
  }

  private static EngineException engineError(int status, String message) {
    return new EngineException("POST /swarm/join", status, message);
  }

  private List<String> callsStartingWith(String prefix) {
    return engine.calls.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  @Nested
  class Form {
    @Test
    void initialisesOnTheNodeAddressAndPublishesTokensAndSwarmId() throws Exception {
      Credentials c =
          adapter("10.0.0.1", 3, Map.of("web", "true"))
              .form(new FormRequest("prod", "gen-1", NodeIdentity.of("i-1", "10.0.0.1"), VIEW));
      assertThat(callsStartingWith("init"))
          .containsExactly("init listen=10.0.0.1:2377 advertise=10.0.0.1:2377");
      assertThat(c.get("swarm-worker-token")).contains(FakeDockerEngine.WORKER_TOKEN);
      assertThat(c.get("swarm-manager-token")).contains(FakeDockerEngine.MANAGER_TOKEN);
      assertThat(c.get("swarm-cluster-id").map(Secret::reveal)).contains("swarmA");
      assertThat(c.toString()).doesNotContain("SWMTKN");
      assertThat(callsStartingWith("update"))
          .containsExactly("update self v10 role=manager labels={web=true}");
    }

    @Test
    void resumesOnANodeThatAlreadyManagesASwarm() throws Exception {
      engine.becomeMember(true);
      Credentials c =
          adapter("10.0.0.1")
              .form(new FormRequest("prod", "gen-1", NodeIdentity.of("i-1", "10.0.0.1"), VIEW));
      assertThat(callsStartingWith("init")).isEmpty();
      assertThat(c.get("swarm-cluster-id").map(Secret::reveal)).contains("swarmA");
    }

    @Test
    void refusesOnAWorker() {
      engine.becomeMember(false);
      assertThatThrownBy(
              () ->
                  adapter("10.0.0.1")
                      .form(
                          new FormRequest(
                              "prod", "gen-1", NodeIdentity.of("i-1", "10.0.0.1"), VIEW)))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("already a worker of swarm swarmA")
          .matches(e -> !((AdapterException) e).retryable());
      assertThat(callsStartingWith("init")).isEmpty();
    }

    @Test
    void cancelsAPendingJoinFirst() throws Exception {
      engine.state = "pending";
      adapter("10.0.0.1")
          .form(new FormRequest("prod", "gen-1", NodeIdentity.of("i-1", "10.0.0.1"), VIEW));
      assertThat(engine.calls)
          .containsSubsequence(
              "leave force=true", "init listen=10.0.0.1:2377 advertise=10.0.0.1:2377");
    }
  }

  @Nested
  class Join {
    @Test
    void aNodeRankedBeyondTheManagersJoinsAsAWorkerThroughTheSeed() throws Exception {
      adapter("10.0.0.4", 3, Map.of("web", "true"))
          .join(
              joinRequest(
                  "10.0.0.4",
                  List.of(Peer.of("10.0.0.1"), Peer.of("10.0.0.2"), Peer.of("10.0.0.3")),
                  goodCreds()));
      assertThat(engine.joins).hasSize(1);
      DockerEngine.JoinSpec spec = engine.joins.get(0);
      assertThat(spec.remoteAddrs()).containsExactly("10.0.0.1:2377");
      assertThat(spec.listenAddr()).isEqualTo("10.0.0.4:2377");
      assertThat(spec.advertiseAddr()).isEqualTo("10.0.0.4:2377");
      assertThat(spec.token()).isEqualTo(FakeDockerEngine.WORKER_TOKEN);
      assertThat(spec.toString()).doesNotContain("SWMTKN");
      // A worker cannot label itself.
      assertThat(callsStartingWith("update")).isEmpty();
      assertThat(engine.manager).isFalse();
    }

    @Test
    void aNodeRankedAmongTheManagersJoinsAsAManagerAndLabelsItself() throws Exception {
      adapter("10.0.0.2", 3, Map.of("web", "true"))
          .join(joinRequest("10.0.0.2", List.of(Peer.of("10.0.0.1")), goodCreds()));
      assertThat(engine.joins.get(0).token()).isEqualTo(FakeDockerEngine.MANAGER_TOKEN);
      assertThat(engine.manager).isTrue();
      assertThat(callsStartingWith("update"))
          .containsExactly("update self v10 role=manager labels={web=true}");
    }

    @Test
    void triesTheNextMemberWhenOneIsNotAReachableManager() throws Exception {
      engine.joinFailures.add(
          engineError(
              503,
              "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error"
                  + " while dialing dial tcp 10.0.0.1:2377: connect: connection refused\""));
      adapter("10.0.0.4", 1, Map.of())
          .join(
              joinRequest(
                  "10.0.0.4", List.of(Peer.of("10.0.0.2"), Peer.of("10.0.0.1")), goodCreds()));
      // Likely manager (rank 1 with managers=1) first, the other member next.
      assertThat(engine.joins)
          .extracting(DockerEngine.JoinSpec::remoteAddrs)
          .containsExactly(List.of("10.0.0.1:2377"), List.of("10.0.0.2:2377"));
      assertThat(engine.state).isEqualTo("active");
    }

    @Test
    void cancelsATimedOutAttemptBeforeTryingTheNext() throws Exception {
      engine.joinFailures.add(
          engineError(
              503,
              "Timeout was reached before node joined. The attempt to join the swarm will"
                  + " continue in the background."));
      adapter("10.0.0.4")
          .join(
              joinRequest(
                  "10.0.0.4", List.of(Peer.of("10.0.0.1"), Peer.of("10.0.0.2")), goodCreds()));
      assertThat(engine.calls)
          .containsSubsequence(
              "join [10.0.0.1:2377] listen=10.0.0.4:2377",
              "leave force=true",
              "join [10.0.0.2:2377] listen=10.0.0.4:2377");
      assertThat(engine.state).isEqualTo("active");
    }

    @Test
    void anyOtherFailureThroughOneMemberStillTriesTheNext() throws Exception {
      engine.joinFailures.add(
          engineError(
              500,
              "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible"
                  + " that too few managers are online."));
      adapter("10.0.0.4")
          .join(
              joinRequest(
                  "10.0.0.4", List.of(Peer.of("10.0.0.1"), Peer.of("10.0.0.2")), goodCreds()));
      assertThat(engine.joins).hasSize(2);
      assertThat(callsStartingWith("leave")).isEmpty();
      assertThat(engine.state).isEqualTo("active");
    }

    @Test
    void failsRetryablyWhenNoMemberIsAReachableManager() {
      for (int i = 0; i < 2; i++) {
        engine.joinFailures.add(engineError(503, "rpc error: code = Unavailable desc = refused"));
      }
      assertThatThrownBy(
              () ->
                  adapter("10.0.0.4")
                      .join(
                          joinRequest(
                              "10.0.0.4",
                              List.of(Peer.of("10.0.0.1"), Peer.of("10.0.0.2")),
                              goodCreds())))
          .isInstanceOf(AdapterException.class)
          .isNotInstanceOf(CredentialsRejectedException.class)
          .hasMessageContaining("10.0.0.1:2377")
          .hasMessageContaining("10.0.0.2:2377")
          .hasMessageContaining("2377/tcp")
          .matches(e -> ((AdapterException) e).retryable());
    }

    @Test
    void aRejectedTokenIsReportedAsRejectedCredentialsWithoutTheToken() {
      Secret stale = Secret.of("SWMTKN-1-digest-stalesecret");
      assertThatThrownBy(
              () ->
                  adapter("10.0.0.4")
                      .join(
                          joinRequest(
                              "10.0.0.4",
                              List.of(Peer.of("10.0.0.1"), Peer.of("10.0.0.2")),
                              creds(stale, FakeDockerEngine.MANAGER_TOKEN, "swarmA"))))
          .isInstanceOf(CredentialsRejectedException.class)
          .hasMessageContaining("10.0.0.1:2377 rejected this node's swarm-worker-token")
          .hasMessageNotContaining("SWMTKN")
          .hasMessageNotContaining("stalesecret");
      // No point trying other managers with the same token.
      assertThat(engine.joins).hasSize(1);
    }

    @Test
    void aMissingTokenIsReportedAsRejectedCredentials() {
      assertThatThrownBy(
              () ->
                  adapter("10.0.0.2")
                      .join(
                          joinRequest(
                              "10.0.0.2",
                              List.of(Peer.of("10.0.0.1")),
                              creds(FakeDockerEngine.WORKER_TOKEN, null, "swarmA"))))
          .isInstanceOf(CredentialsRejectedException.class)
          .hasMessageContaining("no swarm-manager-token");
      assertThat(engine.joins).isEmpty();
    }

    @Test
    void anActiveWorkerOfTheExpectedSwarmChangesNothing() throws Exception {
      engine.becomeMember(false);
      engine.calls.clear();
      adapter("10.0.0.4", 3, Map.of("web", "true"))
          .join(joinRequest("10.0.0.4", List.of(Peer.of("10.0.0.1")), goodCreds()));
      assertThat(engine.calls).containsOnly("info");
    }

    @Test
    void anActiveManagerOfTheExpectedSwarmOnlyReconcilesItsLabels() throws Exception {
      engine.becomeMember(true);
      SwarmAdapter a = adapter("10.0.0.2", 3, Map.of("web", "true"));
      a.join(joinRequest("10.0.0.2", List.of(Peer.of("10.0.0.1")), goodCreds()));
      a.join(joinRequest("10.0.0.2", List.of(Peer.of("10.0.0.1")), goodCreds()));
      assertThat(callsStartingWith("update")).hasSize(1);
      assertThat(callsStartingWith("join")).isEmpty();
      assertThat(callsStartingWith("leave")).isEmpty();
    }

    @Test
    void aManagerOfADifferentSwarmIsRefused() {
      engine.becomeMember(true);
      engine.clusterId = "swarmB";
      assertThatThrownBy(
              () ->
                  adapter("10.0.0.2")
                      .join(joinRequest("10.0.0.2", List.of(Peer.of("10.0.0.1")), goodCreds())))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("already a member of swarm swarmB, not of swarm swarmA")
          .hasMessageContaining("docker swarm leave")
          .matches(e -> !((AdapterException) e).retryable());
      assertThat(callsStartingWith("join")).isEmpty();
      assertThat(callsStartingWith("leave")).isEmpty();
    }

    @Test
    void aWorkerOfADifferentSwarmIsRefusedByItsCertificate() {
      engine.becomeMember(false);
      certificateClusterId = "swarmB";
      assertThatThrownBy(
              () ->
                  adapter("10.0.0.4")
                      .join(joinRequest("10.0.0.4", List.of(Peer.of("10.0.0.1")), goodCreds())))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("swarmB")
          .matches(e -> !((AdapterException) e).retryable());
    }

    @Test
    void withoutACertificateAWorkerIsJudgedByTheManagersItKnows() throws Exception {
      engine.becomeMember(false); // the fake's worker knows manager 10.0.0.1:2377
      certificateClusterId = null;
      adapter("10.0.0.4").join(joinRequest("10.0.0.4", List.of(Peer.of("10.0.0.1")), goodCreds()));
      assertThat(callsStartingWith("join")).isEmpty();

      JoinRequest foreign =
          new JoinRequest(
              "prod",
              "gen-1",
              NodeIdentity.of("i-9", "10.0.9.9"),
              List.of(Peer.of("10.0.9.1")),
              goodCreds(),
              List.of(Peer.of("10.0.9.1"), Peer.of("10.0.9.9")));
      assertThatThrownBy(() -> adapter("10.0.9.9").join(foreign))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("none of cluster prod's nodes");
    }

    @Test
    void anUnreachableEngineIsRetryableAndSaysHowToFixIt() {
      engine.unreachable = true;
      assertThatThrownBy(
              () ->
                  adapter("10.0.0.4")
                      .join(joinRequest("10.0.0.4", List.of(Peer.of("10.0.0.1")), goodCreds())))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("unix:///fake/docker.sock")
          .hasMessageContaining("systemctl start docker")
          .hasMessageContaining("adapter.swarm.socket")
          .matches(e -> ((AdapterException) e).retryable());
    }
  }

  @Nested
  class Leave {
    @Test
    void aWorkerJustLeaves() throws Exception {
      engine.becomeMember(false);
      adapter("10.0.0.4").leave(false);
      assertThat(callsStartingWith("leave")).containsExactly("leave force=false");
      assertThat(callsStartingWith("update")).isEmpty();
      assertThat(engine.state).isEqualTo("inactive");
    }

    @Test
    void aManagerDemotesItselfThenLeaves() throws Exception {
      engine.becomeMember(true);
      engine.addNode("m2", "10.0.0.2", "ready", "reachable");
      engine.addNode("m3", "10.0.0.3", "ready", "reachable");
      engine.demotionLag = 2;
      adapter("10.0.0.1").leave(false);
      assertThat(engine.calls)
          .containsSubsequence(
              "nodes", "update self v10 role=worker labels={}", "info", "leave force=false");
      assertThat(callsStartingWith("leave")).containsExactly("leave force=false");
      assertThat(engine.state).isEqualTo("inactive");
      // It waited (virtually) for the demotion to show.
      assertThat(clock.slept()).isEqualTo(SwarmAdapter.POLL.multipliedBy(2));
    }

    @Test
    void aManagerRefusesWhenTheRestWouldLoseQuorum() {
      engine.becomeMember(true);
      engine.addNode("m2", "10.0.0.2", "ready", "reachable");
      engine.addNode("m3", "10.0.0.3", "down", "unreachable");
      assertThatThrownBy(() -> adapter("10.0.0.1").leave(false))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("refusing to leave")
          .hasMessageContaining("3 manager(s), 1 unreachable")
          .hasMessageContaining("lose its quorum")
          .hasMessageContaining("with force")
          .matches(e -> !((AdapterException) e).retryable());
      assertThat(callsStartingWith("update")).isEmpty();
      assertThat(callsStartingWith("leave")).isEmpty();
      assertThat(engine.state).isEqualTo("active");
    }

    @Test
    void forceLeavesAnywayWithoutDemoting() throws Exception {
      engine.becomeMember(true);
      engine.addNode("m2", "10.0.0.2", "ready", "reachable");
      engine.addNode("m3", "10.0.0.3", "down", "unreachable");
      adapter("10.0.0.1").leave(true);
      assertThat(callsStartingWith("leave")).containsExactly("leave force=true");
      assertThat(callsStartingWith("update")).isEmpty();
      assertThat(engine.state).isEqualTo("inactive");
    }

    @Test
    void theOnlyManagerRefuses() {
      engine.becomeMember(true);
      engine.addNode("w1", "10.0.0.4", "ready", null);
      assertThatThrownBy(() -> adapter("10.0.0.1").leave(false))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("only manager");
      assertThat(callsStartingWith("leave")).isEmpty();
    }

    @Test
    void aManagerThatCannotListManagersRefuses() {
      engine.becomeMember(true);
      engine.nodesFail = true;
      assertThatThrownBy(() -> adapter("10.0.0.1").leave(false))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("does not have a leader")
          .hasMessageContaining("may already have lost its quorum");
      assertThat(callsStartingWith("leave")).isEmpty();
    }

    @Test
    void notInASwarmIsANoOpAndAPendingJoinIsCancelled() throws Exception {
      adapter("10.0.0.1").leave(false);
      assertThat(callsStartingWith("leave")).isEmpty();
      engine.state = "pending";
      adapter("10.0.0.1").leave(false);
      assertThat(callsStartingWith("leave")).containsExactly("leave force=true");
    }

    @Test
    void aDemotionThatNeverShowsTimesOutRetryably() {
      engine.becomeMember(true);
      engine.addNode("m2", "10.0.0.2", "ready", "reachable");
      engine.addNode("m3", "10.0.0.3", "ready", "reachable");
      engine.demotionLag = Integer.MAX_VALUE;
      assertThatThrownBy(() -> adapter("10.0.0.1").leave(false))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("timed out after 1m waiting for this node's demotion")
          .matches(e -> ((AdapterException) e).retryable());
      assertThat(clock.slept()).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
    }
  }

  @Nested
  class Remove {
    @Test
    void removesADownWorkerButNotANewNodeAtTheSameAddress() throws Exception {
      engine.becomeMember(true);
      engine.addNode("old", "10.0.0.5", "down", null);
      engine.addNode("new", "10.0.0.5", "ready", null);
      adapter("10.0.0.1").remove(Peer.of("10.0.0.5"));
      assertThat(callsStartingWith("rm")).containsExactly("rm old force=false");
      assertThat(engine.nodes).containsKey("new").doesNotContainKey("old");
    }

    @Test
    void aNodeNotYetDownIsRetryable() {
      engine.becomeMember(true);
      engine.addNode("w1", "10.0.0.5", "ready", null);
      assertThatThrownBy(() -> adapter("10.0.0.1").remove(Peer.of("10.0.0.5")))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("is ready, not down")
          .matches(e -> ((AdapterException) e).retryable());
      assertThat(callsStartingWith("rm")).isEmpty();
    }

    @Test
    void aDownManagerIsDemotedThenRemoved() throws Exception {
      engine.becomeMember(true);
      engine.addNode("m2", "10.0.0.2", "ready", "reachable");
      engine.addNode("m3", "10.0.0.3", "down", "unreachable");
      adapter("10.0.0.1").remove(Peer.of("10.0.0.3"));
      assertThat(engine.calls)
          .containsSubsequence("update m3 v5 role=worker labels={}", "rm m3 force=false");
    }

    @Test
    void anUnknownAddressIsANoOpAndAWorkerCannotRemove() throws Exception {
      engine.becomeMember(true);
      adapter("10.0.0.1").remove(Peer.of("10.0.0.99"));
      assertThat(callsStartingWith("rm")).isEmpty();
      engine.manager = false;
      assertThatThrownBy(() -> adapter("10.0.0.1").remove(Peer.of("10.0.0.99")))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("only a swarm manager can remove nodes");
    }
  }

  @Nested
  class InspectVerifyPlan {
    @Test
    void inspectReportsAStoppedEngineAsNotRunning() throws Exception {
      engine.unreachable = true;
      assertThat(adapter("10.0.0.1").inspect())
          .isEqualTo(new LocalMembership(false, false, null, List.of()));
    }

    @Test
    void inspectNamesTheSwarmOnManagersAndWorkers() throws Exception {
      engine.becomeMember(true);
      engine.addNode("w1", "10.0.0.4", "ready", null);
      engine.addNode("w2", "10.0.0.5", "down", null);
      assertThat(adapter("10.0.0.1").inspect())
          .isEqualTo(new LocalMembership(true, true, "swarmA", List.of("10.0.0.1", "10.0.0.4")));
      engine.manager = false;
      assertThat(adapter("10.0.0.1").inspect())
          .isEqualTo(new LocalMembership(true, true, "swarmA", List.of("10.0.0.1")));
    }

    @Test
    void verifyChecksStateAndExpectedMembers() throws Exception {
      SwarmAdapter a = adapter("10.0.0.1");
      assertThat(a.verify(List.of())).get().asString().contains("LocalNodeState=inactive");
      engine.becomeMember(true);
      engine.addNode("w1", "10.0.0.4", "ready", null);
      engine.addNode("w2", "10.0.0.5", "down", null);
      assertThat(a.verify(List.of(Peer.of("10.0.0.1"), Peer.of("10.0.0.4")))).isEmpty();
      // A down or departed member next to a ready one: this node is in the right swarm.
      assertThat(a.verify(List.of(Peer.of("10.0.0.4"), Peer.of("10.0.0.5"), Peer.of("10.0.0.6"))))
          .isEmpty();
      assertThat(a.verify(List.of(Peer.of("10.0.0.5"), Peer.of("10.0.0.6"))))
          .get()
          .asString()
          .contains("[10.0.0.5, 10.0.0.6]");
    }

    @Test
    void verifyAfterJoinComparesTheSwarmId() throws Exception {
      SwarmAdapter a = adapter("10.0.0.2");
      a.join(joinRequest("10.0.0.2", List.of(Peer.of("10.0.0.1")), goodCreds()));
      assertThat(a.verify(List.of())).isEmpty();
      engine.clusterId = "swarmB";
      assertThat(a.verify(List.of())).get().asString().contains("expected swarm swarmA");
    }

    @Test
    void planNamesTheCallsButNeverATokenValue() {
      SwarmAdapter a = adapter("10.0.0.2", 3, Map.of("web", "true"));
      List<String> form = a.plan("form", List.of());
      assertThat(String.join("\n", form))
          .contains("POST /v1.41/swarm/init ListenAddr=10.0.0.2:2377 AdvertiseAddr=10.0.0.2:2377")
          .contains("swarm-worker-token=<redacted>")
          .contains("labels {web=true}")
          .doesNotContain("SWMTKN");
      List<String> join = a.plan("join", List.of(Peer.of("10.0.0.1"), Peer.of("10.0.0.3")));
      assertThat(String.join("\n", join))
          .contains("POST /v1.41/swarm/join")
          .contains("[10.0.0.1:2377, 10.0.0.3:2377]")
          .contains("first 3 of the ranked view")
          .doesNotContain("SWMTKN");
      assertThat(a.plan("wait", List.of())).last().asString().contains("nothing to do");
      assertThat(engine.calls).isEmpty();
    }
  }

  @Nested
  class VerifyTarget {
    final Map<String, ManagerCertificate.Answer> ports = new HashMap<>();
    final List<String> asked = new java.util.ArrayList<>();

    SwarmAdapter adapter() {
      SwarmSettings s =
          new SwarmSettings(Path.of("/fake/docker.sock"), RolePolicy.AUTO, 3, Map.of(), 2377);
      return new SwarmAdapter(
          s,
          () -> NodeIdentity.of("i-10.0.0.2", "10.0.0.2"),
          engine,
          root -> Optional.empty(),
          clock,
          clock::sleep,
          (host, port) -> {
            asked.add(host + ":" + port);
            return ports.getOrDefault(
                host, new ManagerCertificate.NoManager("connection refused on " + host));
          });
    }

    @Test
    void aManagerOfThePublishedSwarmProvesIt() {
      ports.put("10.0.0.1", new ManagerCertificate.Swarm("swarmA", "swarm-manager"));

      assertThat(
              adapter()
                  .verifyTarget(
                      joinRequest("10.0.0.2", List.of(Peer.of("10.0.0.1")), goodCreds()),
                      Peer.of("10.0.0.1")))
          .isEmpty();
      assertThat(asked).containsExactly("10.0.0.1:2377");
      assertThat(engine.calls).as("the local engine is not asked").isEmpty();
    }

    @Test
    void aSeparateSwarmOnAMembersAddressIsRefusedNamingBothIds() {
      ports.put("10.0.0.3", new ManagerCertificate.Swarm("swarmZ", "swarm-manager"));

      assertThat(
              adapter()
                  .verifyTarget(
                      joinRequest("10.0.0.2", List.of(Peer.of("10.0.0.3")), goodCreds()),
                      Peer.of("10.0.0.3")))
          .get()
          .asString()
          .contains("10.0.0.3:2377) belongs to swarm swarmZ")
          .contains("not to cluster prod's swarm swarmA");
    }

    @Test
    void anAddressWhereNoManagerListensIsRefused() {
      assertThat(
              adapter()
                  .verifyTarget(
                      joinRequest("10.0.0.2", List.of(Peer.of("10.0.0.4")), goodCreds()),
                      Peer.of("10.0.0.4")))
          .get()
          .asString()
          .contains("not a swarm manager: connection refused on 10.0.0.4");
    }

    @Test
    void withoutAPublishedSwarmIdNothingIsAskedAndTheTargetIsTaken() {
      Credentials noId = creds(FakeDockerEngine.WORKER_TOKEN, FakeDockerEngine.MANAGER_TOKEN, null);

      assertThat(
              adapter()
                  .verifyTarget(
                      joinRequest("10.0.0.2", List.of(Peer.of("10.0.0.4")), noId),
                      Peer.of("10.0.0.4")))
          .isEmpty();
      assertThat(asked).isEmpty();
    }
  }
}
