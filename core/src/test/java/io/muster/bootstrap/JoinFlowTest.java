package io.muster.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.bootstrap.Fakes.FakeAdapter;
import io.muster.bootstrap.Fakes.MutableClock;
import io.muster.bootstrap.Fakes.World;
import io.muster.credentials.Credentials;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.Secret;
import io.muster.discovery.CountingDiscovery;
import io.muster.election.ElectionSettings;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JoinFlowTest {
  static final Duration STABLE = Duration.ofSeconds(10);
  final MutableClock clock = new MutableClock();
  final InMemoryCredentialStore store = new InMemoryCredentialStore();
  final World world = new World();
  final AtomicInteger ids = new AtomicInteger();
  final List<String> events = new ArrayList<>();

  /** One simulated node: identity, its view, adapter and state. */
  final class Node {
    final NodeIdentity id;
    final CountingDiscovery discovery = new CountingDiscovery();
    final FakeAdapter adapter;
    final NodeState.InMemory state = new NodeState.InMemory();
    JoinFlow flow;

    Node(String name, String address) {
      id = NodeIdentity.of(name, address);
      adapter = new FakeAdapter(world, name);
      restart();
    }

    /** A crash and restart: a new flow, same state and same clustered system. */
    void restart() {
      flow =
          new JoinFlow(
              new BootstrapSettings(
                  "prod",
                  new ElectionSettings(STABLE, 1),
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(60),
                  Duration.ofMinutes(10)),
              id,
              discovery,
              store,
              adapter,
              state,
              clock,
              new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), new Random(1)),
              () -> "cid-" + ids.incrementAndGet(),
              new StepListener() {
                @Override
                public void decided(NodeState.StepRecord step) {}

                @Override
                public void event(String kind, String message) {
                  events.add(id.instanceId() + ":" + kind);
                }
              });
    }

    Peer peer() {
      return id.asPeer();
    }

    StepResult step() {
      return flow.step();
    }
  }

  final Node a = new Node("a", "10.0.0.1");
  final Node b = new Node("b", "10.0.0.2");
  final Node c = new Node("c", "10.0.0.3");

  void everyoneSees(Node... nodes) {
    List<Peer> view = new ArrayList<>();
    for (Node n : nodes) {
      view.add(n.peer());
    }
    for (Node n : nodes) {
      n.discovery.see(view);
    }
  }

  /** Steps every node until its view is stable. */
  void stabilise(Node... nodes) {
    for (Node n : nodes) {
      n.step();
    }
    clock.advance(STABLE);
  }

  @Test
  void seedFormsOthersJoinThroughIt() {
    everyoneSees(a, b, c);
    stabilise(a, b, c);
    assertThat(b.step()).isInstanceOf(StepResult.Retry.class); // waits for the seed
    assertThat(a.step()).isInstanceOf(StepResult.Done.class);
    assertThat(b.step()).isInstanceOf(StepResult.Done.class);
    assertThat(c.step()).isInstanceOf(StepResult.Done.class);
    assertThat(world.clusters()).isEqualTo(1);
    assertThat(store.members.values()).allMatch(m -> m.status() == MemberRecord.Status.MEMBER);
    assertThat(b.adapter.calls).contains("join:a");
  }

  /**
   * Issue 14 5: a damaged formation record (a hand edit) failed every joiner's step. Now the record
   * is skipped with a warning, and a joiner goes through a registered member whose own record names
   * the cluster id, proven like against the record.
   */
  @Test
  void aDamagedFormationRecordIsSkippedAndAJoinerGoesOnThroughARegisteredMember() {
    everyoneSees(a, b, c);
    stabilise(a, b, c);
    assertThat(a.step()).isInstanceOf(StepResult.Done.class);
    assertThat(b.step()).isInstanceOf(StepResult.Done.class);
    assertThat(store.members.get("b").clusterId()).isEqualTo("cid-1");
    store.damaged.add(1L);

    assertThat(c.step()).isInstanceOf(StepResult.Done.class);
    assertThat(world.clusters()).isEqualTo(1);
    assertThat(events).contains("c:damaged-formation");
    assertThat(c.state.membership()).get().extracting(Membership::clusterId).isEqualTo("cid-1");
    assertThat(store.members.get("c").clusterId()).isEqualTo("cid-1");
  }

  /**
   * The founder is unknown with a damaged record, so a generation whose registered members are all
   * gone is never taken as orphaned: its founder may be alive in a cluster of its own and not yet
   * registered. The fleet waits (an operator repairs or deletes the record) and never forms.
   */
  @Test
  void aDamagedGenerationWithNoLiveMemberIsNeverReplaced() {
    everyoneSees(a, b, c);
    stabilise(a, b, c);
    store.damaged.add(1L);
    store.formations.put(
        1L,
        new io.muster.credentials.FormationRecord(
            "prod", 1, "cid-x", "gone", "10.0.0.9", clock.instant()));
    for (int i = 0; i < 40; i++) {
      StepResult r = b.step();
      assertThat(r).isInstanceOf(StepResult.Retry.class);
      assertThat(r.message()).contains("damaged").contains("repair or delete the record");
      clock.advance(Duration.ofSeconds(30));
    }
    assertThat(b.adapter.calls).noneMatch(call -> call.startsWith("form"));
    assertThat(store.formations).containsOnlyKeys(1L);
  }

  @Test
  void unstableViewWaitsThenForms() {
    everyoneSees(a, b);
    StepResult first = a.step();
    assertThat(first).isInstanceOf(StepResult.Retry.class);
    assertThat(first.message()).contains("stable after 10s");
    clock.advance(Duration.ofSeconds(4));
    everyoneSees(a, b, c); // the view changed: stability starts over
    a.step();
    clock.advance(Duration.ofSeconds(9));
    assertThat(a.step()).isInstanceOf(StepResult.Retry.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(a.step()).isInstanceOf(StepResult.Done.class);
  }

  @Test
  void viewWithoutSelfNeverForms() {
    b.discovery.see(a.peer(), c.peer());
    b.step();
    clock.advance(Duration.ofMinutes(5));
    StepResult r = b.step();
    assertThat(r.message()).contains("not in its own view");
    assertThat(store.formations).isEmpty();
  }

  @Test
  void twoNodesThatBothBelieveTheyAreSeedOnlyOneWinsTheClaim() {
    // Lagging views: b does not see a, so both a and b are the seed of their own view.
    a.discovery.see(a.peer(), b.peer());
    b.discovery.see(b.peer(), c.peer());
    stabilise(a, b);
    assertThat(a.step()).isInstanceOf(StepResult.Done.class);
    store.staleReads = 1; // b read the store before a's claim landed: it also decides to form
    StepResult lost = b.step();
    assertThat(lost).isInstanceOf(StepResult.Retry.class);
    assertThat(events).contains("b:claim-lost");
    assertThat(b.adapter.calls).doesNotContain("form");
    assertThat(store.formations).hasSize(1);
  }

  @Test
  void aLaggingViewWaitsForTheMembersInsteadOfReplacingThem() {
    everyoneSees(a, b);
    stabilise(a, b);
    assertThat(a.step()).isInstanceOf(StepResult.Done.class);
    c.discovery.see(b.peer(), c.peer()); // c does not see a (the only member) yet
    c.step();
    clock.advance(Duration.ofSeconds(90));
    StepResult r = c.step();
    assertThat(r.message()).contains("election.replace-after");
    assertThat(store.formations).hasSize(1);
    c.discovery.see(a.peer(), b.peer(), c.peer());
    // A waiting non-seed reuses its view until the store changes or the backoff cap passes (API
    // cost at fleet scale), so it notices the members within one cap.
    clock.advance(Duration.ofSeconds(60));
    assertThat(c.step()).isInstanceOf(StepResult.Done.class);
    assertThat(c.adapter.calls).contains("join:a").doesNotContain("form");
    assertThat(world.clusters()).isEqualTo(1);
  }

  @Test
  void crashBetweenClaimAndFormResumesOnRestartAndOthersWait() {
    everyoneSees(a, b, c);
    stabilise(a, b, c);
    // a claims, then "crashes" before forming: simulate by making form blow up once.
    a.adapter.running = true;
    store.unreachable = false;
    var realAdapter = a.adapter;
    world.cookie = null;
    // Claim by hand exactly as a would, then crash.
    store.formations.put(
        1L,
        new io.muster.credentials.FormationRecord(
            "prod", 1, "cid-crash", "a", "10.0.0.1", clock.instant()));
    StepResult waiting = b.step();
    assertThat(waiting.message()).contains("claimed by a, which is still in the view");
    a.restart();
    StepResult resumed = a.step();
    assertThat(resumed).isInstanceOf(StepResult.Done.class);
    assertThat(events).contains("a:resume");
    assertThat(realAdapter.calls).containsOnlyOnce("form");
    assertThat(b.step()).isInstanceOf(StepResult.Done.class);
    assertThat(world.clusters()).isEqualTo(1);
  }

  @Test
  void lostClaimWriteIsNeverActedOn() {
    everyoneSees(a, b);
    stabilise(a, b);
    store.loseNextClaims = 1;
    StepResult r = a.step();
    assertThat(r).isInstanceOf(StepResult.Retry.class);
    assertThat(r.message()).contains("not visible on read-back");
    assertThat(a.adapter.calls).doesNotContain("form");
    assertThat(a.step()).isInstanceOf(StepResult.Done.class);
    assertThat(world.clusters()).isEqualTo(1);
  }

  @ParameterizedTest(name = "the write took effect: {0}")
  @ValueSource(booleans = {true, false})
  void aMemberRegistrationWhoseOutcomeIsUnknownIsRetried(boolean applied) {
    everyoneSees(a, b);
    stabilise(a, b);
    store.timeOutNextRegistrations = 1;
    store.timeoutsApply = applied;
    StepResult r = a.step();
    assertThat(r).isInstanceOf(StepResult.Retry.class);
    assertThat(r.message()).contains("timed out");
    assertThat(a.step()).isInstanceOf(StepResult.Done.class); // resumes its own claim
    assertThat(a.adapter.calls).containsOnlyOnce("form");
    assertThat(b.step()).isInstanceOf(StepResult.Done.class);
    assertThat(world.clusters()).isEqualTo(1);
  }

  @ParameterizedTest(name = "the write took effect: {0}")
  @ValueSource(booleans = {true, false})
  void aJoiningRegistrationWhoseOutcomeIsUnknownFailsTheStepBeforeTheJoin(boolean applied) {
    everyoneSees(a, b);
    stabilise(a, b);
    assertThat(a.step()).isInstanceOf(StepResult.Done.class);
    store.timeOutNextRegistrations = 1;
    store.timeoutsApply = applied;
    StepResult r = b.step();
    assertThat(r).isInstanceOf(StepResult.Retry.class);
    assertThat(b.adapter.calls).noneMatch(c -> c.startsWith("join"));
    assertThat(b.step()).isInstanceOf(StepResult.Done.class);
    assertThat(store.members.get("b").status()).isEqualTo(MemberRecord.Status.MEMBER);
    assertThat(world.clusters()).isEqualTo(1);
  }

  @Test
  void registrationsAreNotReadBackAfterTheStoreAcknowledgedThem() {
    everyoneSees(a, b);
    stabilise(a, b);
    assertThat(a.step()).isInstanceOf(StepResult.Done.class);
    store.memberReads = 0;
    store.credentialsReads = 0;
    // Real time moves on within a step: the credentials read with the founder's record still count.
    store.afterMemberAndCredentials = () -> clock.advance(Duration.ofMillis(40));
    assertThat(b.step()).isInstanceOf(StepResult.Done.class);
    // The founder's record comes with the credentials; JOINING and MEMBER are written only.
    assertThat(store.memberReads).isZero();
    assertThat(store.memberAndCredentialsReads).isEqualTo(1);
    assertThat(store.credentialsReads).isZero();
  }

  @Test
  void aSecondJoinOnAMemberChangesNothing() {
    everyoneSees(a, b);
    stabilise(a, b);
    a.step();
    b.step();
    b.restart();
    b.adapter.calls.clear();
    StepResult again = b.step();
    assertThat(again).isEqualTo(new StepResult.Done(again.message(), false));
    assertThat(again.message()).contains("verified, nothing changed");
    assertThat(b.adapter.calls).containsExactly("inspect", "verify");
  }

  @Test
  void aMemberWhoseSystemLostItRejoinsAndNeverForms() {
    everyoneSees(a, b);
    stabilise(a, b);
    a.step();
    b.step();
    world.clusterOf.remove("b"); // b's data was wiped
    b.restart();
    assertThat(b.step()).isInstanceOf(StepResult.Done.class);
    assertThat(b.adapter.calls).contains("join:a").doesNotContain("form");
  }

  @Test
  void rejectedCredentialsAreReReadOnceThenFailClearly() {
    everyoneSees(a, b);
    stabilise(a, b);
    a.step();
    b.adapter.rejectCredentials = 2;
    StepResult r = b.step();
    assertThat(r).isInstanceOf(StepResult.Failed.class);
    assertThat(r.message()).contains("store holds no newer ones").contains("wrong cookie");
    // Not joined: its JOINING registration must not block the replacement of the generation.
    assertThat(store.members).doesNotContainKey("b");

    // With rotated credentials in the store, the re-read succeeds.
    Node d = new Node("d", "10.0.0.4");
    everyoneSees(a, b, d);
    d.adapter.rejectCredentials = 1;
    store.credentials.put(1L, new Credentials(Map.of("cookie", Secret.of("rotated"))));
    // d holds the old credentials only if it read them before rotation; emulate by rotating between
    // reads.
    StepResult ok = d.step();
    assertThat(ok)
        .isInstanceOf(StepResult.Failed.class); // same credentials on re-read: no newer ones
  }

  @Test
  void aFailedJoinRemovesItsJoiningRegistration() {
    everyoneSees(a, b);
    stabilise(a, b);
    a.step();
    b.adapter.failJoins = 1;
    StepResult r = b.step();
    assertThat(r).isInstanceOf(StepResult.Retry.class);
    assertThat(store.members).doesNotContainKey("b");
    assertThat(b.step()).isInstanceOf(StepResult.Done.class);
  }

  @Test
  void wholeFleetLossLetsANewFleetFormTheNextGeneration() {
    everyoneSees(a, b);
    stabilise(a, b);
    a.step();
    b.step();
    // Both instances terminate; their clustered system dies with them.
    world.clusterOf.clear();
    Node d = new Node("d", "10.0.1.1");
    Node e = new Node("e", "10.0.1.2");
    everyoneSees(d, e);
    stabilise(d, e);
    assertThat(d.step().message()).contains("election.replace-after");
    clock.advance(Duration.ofMinutes(2));
    StepResult formed = d.step();
    assertThat(formed).isInstanceOf(StepResult.Done.class);
    assertThat(formed.message()).contains("generation 2");
    assertThat(e.step()).isInstanceOf(StepResult.Done.class);
    assertThat(world.clusters()).isEqualTo(1);
  }

  @Test
  void whileAMemberOfTheOldGenerationLivesNoNewOneForms() {
    everyoneSees(a, b);
    stabilise(a, b);
    a.step();
    b.step();
    // a terminates; b lives on. New node c (lower address than b) arrives.
    world.clusterOf.remove("a");
    Node low = new Node("low", "10.0.0.0");
    everyoneSees(low, b);
    stabilise(low, b);
    StepResult r = low.step();
    assertThat(r).isInstanceOf(StepResult.Done.class);
    assertThat(low.adapter.calls).contains("join:b").doesNotContain("form");
    assertThat(store.formations).hasSize(1);
  }

  @Test
  void aLiveJoinerBlocksTheReplacementOfItsGeneration() {
    everyoneSees(a, b);
    stabilise(a, b);
    a.step();
    // b registered as joining, then a died before b finished.
    store.members.put(
        "b",
        new MemberRecord("b", "10.0.0.2", null, 1, clock.instant(), MemberRecord.Status.JOINING));
    world.clusterOf.remove("a");
    store.members.remove("a");
    Node low = new Node("low", "10.0.0.0");
    everyoneSees(low, b);
    stabilise(low);
    StepResult r = low.step();
    assertThat(r.message()).contains("joining it");
    assertThat(store.formations).hasSize(1);
  }

  @Test
  void unreachableStoreBacksOffWithGrowingCappedWaits() {
    everyoneSees(a);
    store.unreachable = true;
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      StepResult r = a.step();
      assertThat(r.message()).contains("store unreachable");
      waits.add(((StepResult.Retry) r).after());
    }
    assertThat(waits.get(3)).isGreaterThan(waits.get(0));
    assertThat(waits).allMatch(w -> w.compareTo(Duration.ofSeconds(60)) <= 0);
  }
}
