package io.muster.agent.membership;

import static io.muster.agent.membership.Pacings.POLL;
import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.RecordingAdapter;
import io.muster.agent.testing.CapturedLogs;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.discovery.CountingDiscovery;
import io.muster.model.Peer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class FollowerComponentTest {
  static final Instant T = Instant.parse("2026-11-21T10:00:00Z");
  final Peer a = Peer.of("10.0.0.10").withInstanceId("i-a");
  final Peer b = Peer.of("10.0.0.9").withInstanceId("i-b");
  final CountingDiscovery discovery = new CountingDiscovery();
  final InMemoryCredentialStore store = new InMemoryCredentialStore();
  final RecordingAdapter.Following adapter = new RecordingAdapter.Following();
  final AtomicBoolean member = new AtomicBoolean();
  final FollowerComponent follower =
      FollowerComponent.ofRegisteredMembers(
          adapter, discovery, store, member::get, Pacings.unjittered()::poll);

  void registered(String instanceId, String address) throws Exception {
    store.registerMember(new MemberRecord(instanceId, address, null, 1, T));
  }

  @Test
  void whileThisNodeIsNotAMemberItNeitherDiscoversNorReadsTheStore() throws Exception {
    discovery.see(a, b);
    registered("i-a", "10.0.0.10");

    for (int i = 0; i < 10; i++) {
      assertThat(follower.step()).isEqualTo(POLL);
    }

    assertThat(discovery.discoverCalls()).isZero();
    assertThat(discovery.listCalls()).isZero();
    assertThat(adapter.told).isEmpty();
  }

  @Test
  void aMemberTellsTheRegisteredMembersInViewOnceThenOnlyWhenTheyChange() throws Exception {
    discovery.see(a, b);
    registered("i-a", "10.0.0.10");
    member.set(true);

    try (CapturedLogs logs = CapturedLogs.of("agent")) {
      follower.step();
      follower.step();
      registered("i-b", "10.0.0.9");
      follower.step();

      assertThat(adapter.told).containsExactly(List.of(a), List.of(b, a));
      assertThat(logs.lines())
          .containsExactly(
              "INFO membership changed; updating recording",
              "INFO membership changed; updating recording");
    }
    assertThat(discovery.discoverCalls()).isEqualTo(3);
  }

  @Test
  void aPureFollowerMirrorsTheRankedViewFromItsFirstStep() {
    discovery.see(a, b);
    FollowerComponent pure =
        FollowerComponent.ofView(adapter, discovery, Pacings.unjittered()::poll);

    assertThat(pure.step()).isEqualTo(POLL);
    assertThat(adapter.told).containsExactly(List.of(b, a));
  }

  @Test
  void saysWhenTheAdapterAppliedTheMembershipForReadinessAndNotWhenItFailed() {
    discovery.see(a, b);
    adapter.failNextUpdates = 1;
    java.util.concurrent.atomic.AtomicInteger synced =
        new java.util.concurrent.atomic.AtomicInteger();
    FollowerComponent pure =
        FollowerComponent.ofView(adapter, discovery, Pacings.unjittered()::poll)
            .onSynced(synced::incrementAndGet);

    pure.step();
    assertThat(synced).as("the update failed").hasValue(0);
    pure.step();
    pure.step();
    assertThat(synced).as("applied once, then nothing changed").hasValue(1);
  }

  @Test
  void anAdapterThatFailsIsToldAgainAtTheNextStep() throws Exception {
    discovery.see(a);
    registered("i-a", "10.0.0.10");
    member.set(true);
    adapter.failNextUpdates = 1;

    try (CapturedLogs logs = CapturedLogs.of("agent")) {
      assertThat(follower.step()).isEqualTo(POLL);
      follower.step();

      assertThat(logs.lines())
          .contains("WARN following membership failed: hook exited 3; will retry");
    }
    assertThat(adapter.told).containsExactly(List.of(a));
  }

  @Test
  void aFailedDiscoveryIsLoggedAndRetriedAtTheNextPoll() {
    member.set(true);
    discovery.failWith("ec2:DescribeInstances denied");

    try (CapturedLogs logs = CapturedLogs.of("agent")) {
      assertThat(follower.step()).isEqualTo(POLL);

      assertThat(logs.lines())
          .containsExactly("WARN discovery failed: ec2:DescribeInstances denied; will retry");
    }
    assertThat(adapter.told).isEmpty();
  }
}
