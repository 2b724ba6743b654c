package io.muster.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.RecordingAdapter;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.Secret;
import io.muster.discovery.CountingDiscovery;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * How often a node calls discovery (see {@link ViewKeeper}): the fleet shares the account's API
 * buckets, so at 1,000 nodes polling every interval never formed (the simulation). Each test counts
 * listings and authoritative passes separately.
 */
class JoinFlowPacingTest {
  // Store reads unpaced: these tests are about describe calls (JoinFlowStorePacingTest covers
  // the store's).
  final InMemoryCredentialStore store = new InMemoryCredentialStore();
  final PacingFixture fixture = new PacingFixture(store, 100_000);
  final Fakes.MutableClock clock = fixture.clock;
  final Instant t0 = fixture.t0;
  final Peer seed = Peer.of("10.0.0.1").withInstanceId("i-seed");
  final NodeIdentity me = NodeIdentity.of("i-me", "10.0.0.2");
  final CountingDiscovery discovery = fixture.discovery;
  final RecordingAdapter adapter = fixture.adapter;
  final BootstrapSettings settings = fixture.settings;

  void at(int seconds) {
    fixture.at(seconds);
  }

  JoinFlow flow(NodeIdentity self) {
    return fixture.flow(self);
  }

  static List<Peer> fleet(int count) {
    return PacingFixture.fleet(count);
  }

  void formedBy(Peer founder, int viewSize) throws Exception {
    fixture.formedBy(founder, viewSize);
  }

  /** Steps {@code f} at 0, 5, 10 and 15 s; each step waits, the node not in its own view. */
  void stepMissingFromOwnViewAt0To15Seconds(JoinFlow f) {
    for (int s = 0; s <= 15; s += 5) {
      at(s);
      assertThat(f.step().message()).contains("not in its own view");
    }
  }

  @Test
  void theRunnerUpListsEveryTwoIntervalsWhileItWaitsForTheSeed() throws Exception {
    discovery.see(seed, me.asPeer());
    JoinFlow f = flow(me);
    for (int s = 0; s <= 30; s += 5) {
      at(s);
      assertThat(f.step()).isInstanceOf(StepResult.Retry.class);
    }
    // Listings at 0, 10, 20 and 30 s: rank 2 reuses its view for 2 intervals.
    assertThat(discovery.listCalls()).isEqualTo(4);
    assertThat(discovery.discoverCalls()).isZero();
  }

  @Test
  void aNodeRankedFiftiethListsEveryFiftyIntervalsCappedAtTheBackoffCap() throws Exception {
    List<Peer> view = new ArrayList<>(fleet(49));
    NodeIdentity fiftieth = NodeIdentity.of("i-50", "10.0.9.9");
    view.add(fiftieth.asPeer());
    discovery.see(view);
    JoinFlow f = flow(fiftieth);
    for (int s = 0; s <= 55; s += 5) {
      at(s);
      f.step();
    }
    assertThat(discovery.listCalls()).isEqualTo(1); // 50 x 5 s = 250 s, capped at 60 s
    at(60);
    f.step();
    assertThat(discovery.listCalls()).isEqualTo(2);
  }

  @Test
  void beforeAClusterExistsANodeMissingFromItsOwnViewListsByItsRankLikeAnyOther() throws Exception {
    discovery.see(seed); // discovery does not show this node yet
    stepMissingFromOwnViewAt0To15Seconds(flow(me));
    // Rank 2 behind 10.0.0.1: it would only wait, so it lists at 0 and 10 s, not at every step.
    assertThat(discovery.listCalls()).isEqualTo(2);
  }

  @Test
  void aNodeMissingFromItsOwnViewThatWouldBeTheSeedListsAtEveryStep() throws Exception {
    NodeIdentity lowest = NodeIdentity.of("i-low", "10.0.0.0");
    discovery.see(seed);
    JoinFlow f = flow(lowest);
    for (int s = 0; s <= 15; s += 5) {
      at(s);
      f.step();
    }
    assertThat(discovery.listCalls()).isEqualTo(4);
  }

  @Test
  void onceAClusterExistsANodeMissingFromItsOwnViewListsAtEveryStep() throws Exception {
    formedBy(seed, 2);
    discovery.see(seed);
    stepMissingFromOwnViewAt0To15Seconds(flow(me));
    assertThat(discovery.listCalls()).isEqualTo(4);
    assertThat(adapter.joinedThrough()).isEmpty();
  }

  @Test
  void aNodeMissingFromItsOwnViewNextToALostFleetsGenerationListsByItsRank() throws Exception {
    // The store still holds generation 1 of a fleet that is gone; a new fleet boots. Nothing of
    // generation 1 is in view, so this node can only wait (for election.replace-after), in its
    // view or not: listing at every step emptied EC2's bucket at 1,000 nodes (simulation seed 602).
    formedBy(Peer.of("10.0.0.200").withInstanceId("i-gone"), 2);
    discovery.see(seed);
    stepMissingFromOwnViewAt0To15Seconds(flow(me));
    assertThat(discovery.listCalls()).isEqualTo(2);
    assertThat(adapter.joinedThrough()).isEmpty();
  }

  @Test
  void theSeedListsAtEveryStepAndFormsOnlyAfterAnAuthoritativePass() throws Exception {
    NodeIdentity lowest = NodeIdentity.of("i-low", "10.0.0.0");
    discovery.see(lowest.asPeer(), seed, me.asPeer());
    JoinFlow f = flow(lowest);
    at(0);
    StepResult first = f.step();
    at(5);
    f.step();
    assertThat(discovery.discoverCalls()).isZero();
    at(11);
    StepResult formed = f.step();
    assertThat(discovery.listCalls()).isEqualTo(3);
    assertThat(discovery.discoverCalls()).isEqualTo(1);
    assertThat(formed).isInstanceOf(StepResult.Done.class);
    assertThat(adapter.calls).containsOnlyOnce("form");
    assertThat(store.currentFormation().orElseThrow().viewSize()).isEqualTo(3);
    // The seed's first wait ended when its view would be stable, not a full interval later.
    assertThat(((StepResult.Retry) first).after()).isLessThanOrEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void theSeedStepsAgainTheMomentItsViewWouldBeStable() throws Exception {
    NodeIdentity lowest = NodeIdentity.of("i-low", "10.0.0.0");
    discovery.see(lowest.asPeer(), seed);
    JoinFlow f = flow(lowest);
    at(0);
    f.step();
    at(8);
    StepResult r = f.step();
    assertThat(((StepResult.Retry) r).after()).isEqualTo(Duration.ofMillis(2001));
  }

  @Test
  void aStandbySeedThatTheAuthoritativePassLeavesOutIsNotWaitedForForever() throws Exception {
    // The listing shows 10.0.0.1, but the authoritative pass (the group's lifecycle states) does
    // not admit it: it is in Standby and will never form. The runner-up checks after
    // election.replace-after and forms.
    discovery.see(seed, me.asPeer());
    discovery.authoritativeView(me.asPeer());
    JoinFlow f = flow(me);
    StepResult last = null;
    for (int s = 0; s <= 140; s += 5) {
      at(s);
      last = f.step();
      if (last instanceof StepResult.Done) {
        break;
      }
    }
    assertThat(last).isInstanceOf(StepResult.Done.class);
    assertThat(adapter.calls).containsOnlyOnce("form");
    assertThat(discovery.discoverCalls()).isGreaterThanOrEqualTo(1);
    assertThat(store.currentFormation().orElseThrow().ownerInstanceId()).isEqualTo("i-me");
  }

  @Test
  void anInstanceOnlyTheListingShowsDoesNotRestartTheSeedsStabilityWait() throws Exception {
    // 10.0.0.9 is Pending (include-pending=false): listed, not admitted. The seed's view was
    // stable for 10 s; its authoritative pass leaves the instance out and it forms at once.
    NodeIdentity lowest = NodeIdentity.of("i-low", "10.0.0.0");
    Peer pending = Peer.of("10.0.0.9").withInstanceId("i-pending");
    discovery.see(lowest.asPeer(), me.asPeer(), pending);
    discovery.authoritativeView(lowest.asPeer(), me.asPeer());
    JoinFlow f = flow(lowest);
    at(0);
    f.step();
    at(10);
    assertThat(f.step()).isInstanceOf(StepResult.Done.class);
    assertThat(discovery.discoverCalls()).isEqualTo(1);
    assertThat(store.currentFormation().orElseThrow().viewSize()).isEqualTo(2);
  }

  @Test
  void aLeftOutInstanceReturnsToTheListingsAfterReplaceAfter() throws Exception {
    // The runner-up's authoritative pass (after replace-after) leaves out the Standby seed; the
    // runner-up forms. Had it not been the seed, the Standby instance would be back in its
    // listings once replace-after passed, in case it returned to service.
    discovery.see(seed, me.asPeer());
    discovery.authoritativeView(me.asPeer());
    ViewKeeper keeper =
        new ViewKeeper(
            discovery,
            me.asPeer(),
            settings,
            new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), new SplittableRandom(1)));
    at(0);
    keeper.next("", 0, false, clock.instant());
    keeper.authoritative("", clock.instant());
    at(60);
    assertThat(keeper.list("", clock.instant()).peers()).containsExactly(me.asPeer());
    at(121);
    assertThat(keeper.list("", clock.instant()).peers()).containsExactly(seed, me.asPeer());
  }

  @Test
  void inASmallFleetANewFormationIsJoinedAtOnceOnAFreshListing() throws Exception {
    discovery.see(seed, me.asPeer());
    JoinFlow f = flow(me);
    at(0);
    f.step();
    at(7);
    f.step();
    assertThat(discovery.listCalls()).isEqualTo(1);
    formedBy(seed, 2);
    at(8);
    StepResult r = f.step();
    assertThat(discovery.listCalls()).isEqualTo(2);
    assertThat(r).isInstanceOf(StepResult.Done.class);
    assertThat(adapter.joinedThrough()).containsExactly("10.0.0.1");
    assertThat(discovery.discoverCalls()).isZero();
  }

  @Test
  void theJoinedMessageNamesTheMemberTheAdapterSaysItJoinedThrough() throws Exception {
    // Issue 14: not the candidates offered, but what the adapter used.
    adapter.joinResult =
        io.muster.adapter.JoinResult.alreadyWith(io.muster.model.Peer.of("10.0.0.7"));
    discovery.see(seed, me.asPeer());
    JoinFlow f = flow(me);
    at(0);
    f.step();
    at(7);
    f.step();
    formedBy(seed, 2);
    at(8);
    StepResult r = f.step();

    assertThat(r).isInstanceOf(StepResult.Done.class);
    assertThat(r.message())
        .endsWith("generation 1 through 10.0.0.7 (already clustered with it)")
        .doesNotContain("10.0.0.1");
  }

  @Test
  void inALargeFleetANewFormationIsJoinedAtARandomMomentWithinTheSpreadWindow() throws Exception {
    List<Peer> view = fleet(1000);
    NodeIdentity last = NodeIdentity.of("i-999", view.get(999).addressText());
    discovery.see(view);
    JoinFlow f = flow(last);
    at(0);
    f.step();
    formedBy(view.get(0), 1000);
    at(5);
    StepResult deferred = f.step();
    assertThat(deferred).isInstanceOf(StepResult.Retry.class);
    assertThat(deferred.message()).contains("re-discovering in").contains("discovery.fleet-rate");
    Duration wait = ((StepResult.Retry) deferred).after();
    // (1000 - 100) / 10 per second = 90 s.
    assertThat(wait).isBetween(Duration.ZERO, Duration.ofSeconds(90));
    assertThat(discovery.listCalls()).isEqualTo(1);
    at(5 + (int) Math.ceil(wait.toMillis() / 1000.0));
    assertThat(f.step()).isInstanceOf(StepResult.Done.class);
    assertThat(discovery.listCalls()).isEqualTo(2);
  }

  @Test
  void theFoundersRecordedViewSizeSpreadsANodeWhoseOwnViewIsSmall() throws Exception {
    // This node's view is old (120 peers: 2 s of spreading), the founder saw 1,000 (90 s).
    List<Peer> view = fleet(120);
    NodeIdentity last = NodeIdentity.of("i-119", view.get(119).addressText());
    discovery.see(view);
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      store.formations.clear();
      JoinFlow f =
          new JoinFlow(
              settings,
              last,
              discovery,
              store,
              adapter,
              new NodeState.InMemory(),
              clock,
              new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), new SplittableRandom(i)),
              () -> "cluster-1",
              StepListener.NONE);
      at(0);
      f.step();
      formedBy(view.get(0), 1000);
      at(1);
      waits.add(((StepResult.Retry) f.step()).after());
    }
    assertThat(waits).allMatch(w -> w.compareTo(Duration.ofSeconds(90)) <= 0);
    assertThat(waits).anyMatch(w -> w.compareTo(Duration.ofSeconds(10)) > 0);
  }

  @Test
  void aNodeWaitingForTheFounderToFinishFormingJoinsSoonAfterItDoes() throws Exception {
    // Found by the simulation at 1,000 nodes: the founder crashed between forming and registering,
    // and a node that had seen only its claim kept its view and members for the 10-minute cap.
    List<Peer> view = fleet(1000);
    Peer founder = view.get(0);
    NodeIdentity last = NodeIdentity.of("i-999", view.get(999).addressText());
    discovery.see(view);
    JoinFlow f = flow(last);
    at(0);
    f.step();
    store.claimFormation(
        new FormationRecord(
            "sim", 1, "cluster-1", founder.instanceId(), founder.addressText(), t0, 1000));
    int t = 1;
    at(t);
    StepResult r = f.step();
    while (r.message().contains("re-discovering in")) {
      t += (int) Math.ceil(((StepResult.Retry) r).after().toMillis() / 1000.0);
      at(t);
      r = f.step();
    }
    assertThat(r.message()).contains("waiting for it to finish forming");
    at(t += 5);
    assertThat(f.step().message()).contains("waiting for it to finish forming");
    int listsBefore = discovery.listCalls();

    store.putCredentials(1, new Credentials(Map.of("cookie", Secret.of("c"))));
    store.registerMember(
        new MemberRecord(founder.instanceId(), founder.addressText(), null, 1, t0));
    int registeredAt = t;
    at(t += 5);
    r = f.step();
    // Every node that waited learns this within one interval: the re-listing is spread.
    assertThat(r.message()).contains("re-discovering in");
    assertThat(discovery.listCalls()).isEqualTo(listsBefore);
    t += (int) Math.ceil(((StepResult.Retry) r).after().toMillis() / 1000.0);
    at(t);
    assertThat(f.step()).isInstanceOf(StepResult.Done.class);
    assertThat(discovery.listCalls()).isEqualTo(listsBefore + 1);
    // Within the spread window (90 s at 1,000) plus an interval, not the 600 s reuse cap.
    assertThat(t - registeredAt).isLessThanOrEqualTo(95 + 1);
  }
}
