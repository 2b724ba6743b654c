package io.muster.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.Secret;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Light joins (docs/formation.md): in a fleet that paces its store reads, with an adapter whose
 * targets prove their cluster themselves, a join takes one store request while the fleet forms (the
 * read of the expected generation with its credentials, at the node's own phase of the fleet's read
 * period), no JOINING record and no fresh listing; its MEMBER registration follows a period later.
 * At 1,000 nodes on SSM's standard throughput that is what brings the fleet's formation under 60 s
 * (found by the simulation: 206 s with three requests per join and a spreading window).
 */
class JoinFlowLightJoinTest {
  final JoinFlowStorePacingTest.CountingStore store = new JoinFlowStorePacingTest.CountingStore();
  final PacingFixture fixture = new PacingFixture(store, 20);
  final List<Peer> view = PacingFixture.fleet(1000);
  final Peer founder = view.get(0);
  final Peer me = view.get(999);

  @BeforeEach
  void provingAdapter() {
    fixture.adapter.provesTargets = true;
    fixture.discovery.see(view);
  }

  /**
   * Steps {@code f} from {@code from} as the agent would (sleeping each Retry) until {@code to}.
   */
  private List<String> run(JoinFlow f, int from, int to, Runnable atFormation, int formedAt) {
    List<String> log = new ArrayList<>();
    double t = from;
    boolean formed = false;
    while (t <= to) {
      if (!formed && t >= formedAt) {
        atFormation.run();
        formed = true;
      }
      fixture.clock.set(fixture.t0.plusMillis((long) (t * 1000)));
      int reads = store.generationReads + store.formationReads;
      int writes = store.writes.size();
      StepResult r = f.step();
      log.add(
          String.format(
              java.util.Locale.ROOT,
              "%.1f reads+%d writes%s %s",
              t,
              store.generationReads + store.formationReads - reads,
              store.writes.subList(writes, store.writes.size()),
              r.getClass().getSimpleName()));
      if (r instanceof StepResult.Done) {
        return log;
      }
      t += Math.max(0.001, ((StepResult.Retry) r).after().toMillis() / 1000.0);
    }
    return log;
  }

  private void form() {
    try {
      store.claimFormation(
          new FormationRecord(
              "sim",
              1,
              "cluster-1",
              founder.instanceId(),
              founder.addressText(),
              fixture.clock.instant(),
              1000));
      store.putCredentials(1, new Credentials(Map.of("cookie", Secret.of("c"))));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aWaitingNodeJoinsTheFounderWithinAPeriodOfTheFormationWithOneStoreRequest() {
    store.fleetSize = java.util.OptionalInt.of(1000);
    JoinFlow f = fixture.flow(NodeIdentity.of(me.instanceId(), me.addressText()));
    List<String> log = run(f, 0, 400, this::form, 120);
    assertThat(fixture.adapter.joinedThrough()).containsExactly(founder.addressText());
    // No JOINING record, no member listing, no fresh listing after the first.
    assertThat(store.writes).containsExactly("MEMBER");
    assertThat(store.memberListings).isZero();
    // 1,000 nodes / 20 requests per second: every node reads once per 50 s, at its own phase.
    List<Double> readTimes = new ArrayList<>();
    double registeredAt = -1;
    for (String l : log) {
      double t = Double.parseDouble(l.substring(0, l.indexOf(' ')));
      if (!l.contains(" reads+0 ")) {
        readTimes.add(t);
      }
      if (l.contains("[MEMBER]")) {
        registeredAt = t;
      }
    }
    for (int i = 1; i < readTimes.size(); i++) {
      assertThat(readTimes.get(i) - readTimes.get(i - 1)).isBetween(12.4, 50.1);
    }
    double firstAfter = readTimes.stream().filter(t -> t >= 120).findFirst().orElseThrow();
    assertThat(firstAfter).as("noticed within a period of the formation").isLessThan(170.1);
    double joinedAt = firstAfter;
    assertThat(readTimes.stream().filter(t -> t > joinedAt).count())
        .as("nothing read after the join")
        .isZero();
    // The registration one period (50 s) after the join, the step that registered is Done.
    assertThat(registeredAt - joinedAt).isBetween(49.0, 51.0);
    assertThat(log.get(log.size() - 1)).endsWith("Done");
  }

  @Test
  void aBootingNodeOfALargeFleetTakesItsFirstReadAtItsPhaseNotAtOnce() {
    store.fleetSize = java.util.OptionalInt.of(1000);
    JoinFlow f = fixture.flow(NodeIdentity.of(me.instanceId(), me.addressText()));
    fixture.at(0);
    f.step();
    assertThat(store.generationReads + store.formationReads).isZero();
    List<String> log = run(f, 0, 60, () -> {}, 1_000);
    assertThat(store.generationReads).as("one read in the first period").isEqualTo(1);
    assertThat(store.formationReads).isZero();
    assertThat(log).isNotEmpty();
  }

  @Test
  void theSeedOfABootingViewPublishesTheFleetsSizeAsItGrows() {
    List<Peer> booting = new ArrayList<>(view.subList(0, 200));
    fixture.discovery.see(booting);
    JoinFlow seed = fixture.flow(NodeIdentity.of(founder.instanceId(), founder.addressText()));
    fixture.at(0);
    seed.step();
    fixture.at(5);
    seed.step();
    fixture.discovery.see(view.subList(0, 210)); // grown by 5 %: not worth a write
    fixture.at(10);
    seed.step();
    fixture.discovery.see(view.subList(0, 600));
    fixture.at(15);
    seed.step();
    assertThat(store.writes).containsExactly("fleet:200", "fleet:600");
  }

  @Test
  void theSeedOfABootingViewPublishesTheSizeTheGroupIsLaunchingTowardsOnceAndOthersNeverAsk() {
    // 30 instances up of a group launching 1,000 (found by the simulation, seeds 196 and 1901:
    // paced by the size seen, the booting fleet read the store at up to twice its budget).
    fixture.discovery.see(view.subList(0, 30));
    fixture.discovery.expect(1000);
    JoinFlow seed = fixture.flow(NodeIdentity.of(founder.instanceId(), founder.addressText()));
    for (int t = 0; t <= 9; t += 3) { // (within election.stable-for: it does not form yet)
      fixture.at(t);
      seed.step();
    }
    assertThat(store.writes).containsExactly("fleet:1000");
    assertThat(fixture.discovery.expectedSizeCalls()).isEqualTo(1);

    Peer other = view.get(20);
    JoinFlow waiting = fixture.flow(NodeIdentity.of(other.instanceId(), other.addressText()));
    for (int t = 25; t <= 40; t += 5) {
      fixture.at(t);
      waiting.step();
    }
    assertThat(fixture.discovery.expectedSizeCalls()).isEqualTo(1);
  }

  @Test
  void aNodeWithAStaleSmallViewPacesItsReadsByThePublishedFleetSize() {
    // Listed at boot when 60 instances were up; the fleet is 1,000 now.
    fixture.discovery.see(view.subList(940, 1000));
    store.fleetSize = java.util.OptionalInt.of(1000);
    JoinFlow f = fixture.flow(NodeIdentity.of(me.instanceId(), me.addressText()));
    run(f, 0, 300, () -> {}, 10_000);
    // By its own view (60) it would read every 3 s: 100 reads; by the fleet's size, every 50 s.
    assertThat(store.generationReads + store.formationReads).isBetween(5, 8);
  }

  @Test
  void aNodeInsideTheClusterWithNoRecordOfItFinishesAsAMemberInsteadOfWaitingToReplaceIt()
      throws Exception {
    // Joined lightly, then the agent stopped before it wrote local membership; the founder has
    // died since and nothing of generation 1 is registered: only this node knows it is inside.
    List<Peer> rest = view.subList(1, 1000);
    fixture.discovery.see(rest);
    form();
    store.fleetSize = java.util.OptionalInt.of(1000);
    fixture.adapter.clustered = true;
    JoinFlow f = fixture.flow(NodeIdentity.of(me.instanceId(), me.addressText()));
    List<String> log = run(f, 0, 300, () -> {}, 10_000);
    assertThat(log.get(log.size() - 1)).endsWith("Done");
    assertThat(store.writes).containsExactly("MEMBER");
    Optional<MemberRecord> mine = store.member(me.instanceId());
    assertThat(mine).isPresent();
    assertThat(mine.get().status()).isEqualTo(MemberRecord.Status.MEMBER);
    assertThat(fixture.adapter.calls).doesNotContain("form");
  }

  @Test
  void anAdapterThatCannotProveItsTargetsKeepsTheJoiningRecord() throws Exception {
    fixture.adapter.provesTargets = false;
    form();
    store.registerMember(
        new MemberRecord(founder.instanceId(), founder.addressText(), null, 1, fixture.t0));
    store.writes.clear();
    JoinFlow f = fixture.flow(NodeIdentity.of(me.instanceId(), me.addressText()));
    run(f, 0, 400, () -> {}, 10_000);
    assertThat(store.writes).containsExactly("JOINING", "MEMBER");
    assertThat(store.generationReads).isZero();
  }
}
