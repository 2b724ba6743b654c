package io.muster.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.StoreException;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The store's quota is the account's (SSM standard throughput: 40 requests/s for GetParameter,
 * GetParameters and GetParametersByPath together), so a fleet paces its store requests by {@code
 * store.fleet-rate}: a waiting node reads the formation record about every 2n / rate seconds, a
 * joiner reads the founder's record instead of listing every member, and the joins after a
 * formation are spread over n x 4 / rate seconds, counted from the formation (found by the
 * simulation: on the default quota a 1,000-node fleet that read the store at every step never
 * formed).
 */
class JoinFlowStorePacingTest {
  final CountingStore store = new CountingStore();
  final PacingFixture fixture = new PacingFixture(store, 20);
  final BootstrapSettings settings = fixture.settings;

  @Test
  void aWaitingNodeOfAThousandReadsTheFormationRecordAboutEveryHundredSeconds() {
    JoinFlow f = fixture.lastNodeOf(PacingFixture.fleet(1000));
    List<Integer> readAt = new ArrayList<>();
    for (int t = 0; t <= 1000; t += 5) {
      fixture.at(t);
      int before = store.formationReads;
      f.step();
      if (store.formationReads > before) {
        readAt.add(t);
      }
    }
    // 2 x 1000 / 20 per second = 100 s on average, each gap within [50 s, 150 s] (+ one step).
    assertThat(readAt.size()).isBetween(7, 21);
    for (int i = 2; i < readAt.size(); i++) {
      assertThat(readAt.get(i) - readAt.get(i - 1)).isBetween(50, 155);
    }
    assertThat(store.memberListings).isZero();
  }

  @Test
  void aMemberOfAThousandReadsTheStoreEveryFewMinutesAndChecksItsAdapterAtEveryCheck()
      throws Exception {
    // The agent checks a member every agent.check-interval (60 s). With a store read at each,
    // 1,000 members took 33 of SSM's 40 requests/s for as long as the fleet ran.
    JoinFlow f = registeredMemberOf(1000);
    List<Integer> readAt = new ArrayList<>();
    for (int t = 0; t <= 3600; t += 60) {
      fixture.at(t);
      int before = store.formationReads;
      assertThat(f.step()).isInstanceOf(StepResult.Done.class);
      if (store.formationReads > before) {
        readAt.add(t);
      }
    }
    // 1,000 x 2 requests x 4 / 20 per second = 400 s, each gap within [200 s, 600 s] (+ a check).
    assertThat(readAt.get(0)).isZero();
    assertThat(readAt.size()).isBetween(6, 19);
    for (int i = 1; i < readAt.size(); i++) {
      assertThat(readAt.get(i) - readAt.get(i - 1)).isBetween(200, 660);
    }
    // The checks in between still ask the adapter: a member that left is noticed at once.
    fixture.adapter.clustered = false;
    fixture.at(3660);
    int before = store.formationReads;
    assertThat(f.step()).isNotInstanceOf(StepResult.Done.class);
    assertThat(store.formationReads - before).as("a rejoin reads the store").isPositive();
  }

  @Test
  void aMemberOfASmallFleetReadsTheStoreAtEveryCheck() throws Exception {
    JoinFlow f = registeredMemberOf(10);
    for (int t = 0; t < 600; t += 60) {
      fixture.at(t);
      assertThat(f.step()).isInstanceOf(StepResult.Done.class);
    }
    // 10 x 2 x 4 / 20 = 4 s: below the agent's 60 s check interval, so every check reads.
    assertThat(store.formationReads).isEqualTo(10);
  }

  /** The flow of the last node of a fleet of {@code size}: a registered, recorded member. */
  private JoinFlow registeredMemberOf(int size) throws Exception {
    List<Peer> view = PacingFixture.fleet(size);
    fixture.formedBy(view.get(0), size);
    Peer me = view.get(size - 1);
    store.registerMember(new MemberRecord(me.instanceId(), me.addressText(), null, 1, fixture.t0));
    NodeState state = new NodeState.InMemory();
    state.saveMembership(new Membership("sim", 1, "cluster-1", fixture.t0));
    fixture.adapter.clustered = true;
    return fixture.flow(NodeIdentity.of(me.instanceId(), me.addressText()), state);
  }

  @Test
  void aSmallFleetReadsTheFormationRecordAtEveryStep() {
    JoinFlow f = fixture.lastNodeOf(PacingFixture.fleet(10));
    for (int t = 0; t < 60; t += 5) {
      fixture.at(t);
      f.step();
    }
    assertThat(store.formationReads).isEqualTo(12);
  }

  @Test
  void aJoinerJoinsThroughTheFoundersRecordWithoutListingEveryMember() throws Exception {
    List<Peer> view = PacingFixture.fleet(1000);
    Peer founder = view.get(0);
    fixture.formedBy(founder, 1000);
    for (int i = 1; i < 500; i++) {
      store.registerMember(
          new MemberRecord(
              view.get(i).instanceId(), view.get(i).addressText(), null, 1, fixture.t0));
    }
    JoinFlow f = fixture.lastNodeOf(view);
    StepResult r = null;
    int t = 0;
    for (int i = 0; i < 200 && !(r instanceof StepResult.Done); i++) {
      fixture.at(t);
      r = f.step();
      t +=
          r instanceof StepResult.Retry retry ? (int) Math.ceil(retry.after().toMillis() / 1e3) : 0;
    }
    assertThat(r).isInstanceOf(StepResult.Done.class);
    assertThat(fixture.adapter.joinedThrough()).containsExactly(founder.addressText());
    assertThat(store.memberListings)
        .as("GetParametersByPath of 500 records = 50 requests")
        .isZero();
  }

  @Test
  void theJoinsAfterAFormationAreSpreadSoTheFleetStaysUnderTheStoreRate() {
    // 1,000 joins x 4 requests / 20 per second = 200 s; the describe calls alone need 90 s.
    assertThat(ViewKeeper.storeWindow(settings, 1000)).isEqualTo(Duration.ofSeconds(200));
    assertThat(ViewKeeper.watchPeriod(settings, 1000)).isEqualTo(Duration.ofSeconds(100));
    // A fleet whose reads at every step stay under the rate is not paced at all.
    assertThat(ViewKeeper.paced(settings, 50)).isFalse();
    assertThat(ViewKeeper.storeWindow(settings, 50)).isZero();
    assertThat(ViewKeeper.paced(settings, 51)).isTrue();
  }

  @Test
  void aNodeThatNoticesAFormationLateActsWithinTheFleetsWindowCountedFromTheFormation()
      throws Exception {
    List<Peer> view = PacingFixture.fleet(1000);
    Peer me = view.get(view.size() - 1);
    fixture.discovery.see(view.toArray(Peer[]::new));
    Duration window = Duration.ofSeconds(200); // 1,000 joins x 4 requests / 20 per second
    java.util.Set<Long> lateMoments = new java.util.HashSet<>();
    long longestFromNow = 0;
    for (int seed = 1; seed <= 200; seed++) {
      ViewKeeper fromFormation = keeper(me, seed);
      ViewKeeper fromNow = keeper(me, seed);
      fixture.at(0);
      fromFormation.next("", 0, null, false, fixture.clock.instant());
      fromNow.next("", 0, null, false, fixture.clock.instant());
      // Generation 1 was claimed at 0; this node's paced watch reads it 150 s later.
      fixture.at(150);
      ViewKeeper.Next late =
          fromFormation.next("1/c", 1000, fixture.t0, false, fixture.clock.instant());
      long actsAt = 150 + (late.deferred() ? late.deferFor().toSeconds() : 0);
      assertThat(actsAt).as("seed %d", seed).isBetween(150L, window.toSeconds());
      lateMoments.add(actsAt);
      ViewKeeper.Next counted = fromNow.next("1/c", 1000, null, false, fixture.clock.instant());
      longestFromNow = Math.max(longestFromNow, counted.deferFor().toSeconds());
    }
    // Late noticers spread over what is left of the window instead of acting all at once.
    assertThat(lateMoments).hasSizeGreaterThan(30);
    // Without the formation's time, the whole window counts from the noticing (the old rule).
    assertThat(longestFromNow).isGreaterThan(150);
  }

  @Test
  void aNodeBootingNextToALostFleetsThousandRecordsDoesNotListThemWhileItsViewIsSmall()
      throws Exception {
    // A lost fleet of 1,000 left its records; a new node sees ten peers so far, none of them the
    // lost fleet's. Its own view alone says "small fleet, list everything": 100 SSM requests.
    List<Peer> lost = PacingFixture.fleet(1000);
    fixture.formedBy(lost.get(0), 1000);
    for (int i = 1; i < 1000; i++) {
      store.registerMember(
          new MemberRecord(
              lost.get(i).instanceId(),
              lost.get(i).addressText(),
              null,
              1,
              fixture.t0,
              MemberRecord.Status.MEMBER,
              "cluster-1"));
    }
    List<Peer> booting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      booting.add(Peer.of("10.1.0." + (i + 1)).withInstanceId("i-new-" + i));
    }
    JoinFlow f = fixture.lastNodeOf(booting);
    for (int t = 0; t < 60; t += 5) {
      fixture.at(t);
      assertThat(f.step()).isInstanceOf(StepResult.Retry.class);
    }
    assertThat(store.memberListings).as("listings of the lost fleet's 1,000 records").isZero();
  }

  private ViewKeeper keeper(Peer me, int seed) {
    return new ViewKeeper(
        fixture.discovery,
        me,
        settings,
        new Backoff(
            Duration.ofSeconds(5), Duration.ofSeconds(60), new java.util.SplittableRandom(seed)));
  }

  /** The in-memory store, counting formation reads and member listings. */
  static final class CountingStore implements CredentialStore {
    final InMemoryCredentialStore inner = new InMemoryCredentialStore();
    int formationReads;
    int memberListings;

    /** Reads of one generation with its credentials and the fleet-size hint (as SSM does). */
    int generationReads;

    /** Every write, in order: "claim", "credentials", "JOINING", "MEMBER", "fleet:N", "delete". */
    final List<String> writes = new ArrayList<>();

    java.util.OptionalInt fleetSize = java.util.OptionalInt.empty();

    @Override
    public io.muster.credentials.FormationAndCredentials formationAndCredentials(long generation)
        throws StoreException {
      generationReads++;
      Optional<FormationRecord> f =
          inner.currentFormation().filter(r -> r.generation() == generation);
      return new io.muster.credentials.FormationAndCredentials(
          f, f.isPresent() ? inner.credentials(generation) : Optional.empty(), fleetSize);
    }

    @Override
    public void putFleetSize(int size) {
      writes.add("fleet:" + size);
      fleetSize = java.util.OptionalInt.of(size);
    }

    @Override
    public Optional<FormationRecord> currentFormation() throws StoreException {
      formationReads++;
      return inner.currentFormation();
    }

    @Override
    public boolean claimFormation(FormationRecord record) throws StoreException {
      return inner.claimFormation(record);
    }

    @Override
    public void putCredentials(long generation, Credentials credentials) throws StoreException {
      inner.putCredentials(generation, credentials);
    }

    @Override
    public Optional<Credentials> credentials(long generation) throws StoreException {
      return inner.credentials(generation);
    }

    @Override
    public void registerMember(MemberRecord member) throws StoreException {
      writes.add(member.status().name());
      inner.registerMember(member);
    }

    @Override
    public void deregisterMember(String instanceId) throws StoreException {
      inner.deregisterMember(instanceId);
    }

    @Override
    public List<MemberRecord> members() throws StoreException {
      memberListings++;
      return inner.members();
    }

    @Override
    public Optional<MemberRecord> member(String instanceId) throws StoreException {
      return inner.member(instanceId);
    }

    @Override
    public String describe() {
      return "counting";
    }
  }
}
