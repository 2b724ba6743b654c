package io.muster.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.LocalMembership;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.Secret;
import io.muster.discovery.Discovery;
import io.muster.discovery.Peer;
import io.muster.election.ElectionSettings;
import io.muster.node.NodeIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A node that waits for another one does not poll the cloud API every interval (at 100 nodes that
 * starved the seed, see docs/simulation.md), yet it acts only on a fresh view.
 */
class JoinFlowViewReuseTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  final MutableClock clock = new MutableClock();
  final Peer seed = Peer.of("10.0.0.1").withInstanceId("i-seed");
  final NodeIdentity me = NodeIdentity.of("i-me", "10.0.0.2");
  final CountingDiscovery discovery = new CountingDiscovery();
  final MapStore store = new MapStore();
  final RecordingAdapter adapter = new RecordingAdapter();
  final BootstrapSettings settings =
      new BootstrapSettings(
          "sim",
          new ElectionSettings(Duration.ofSeconds(10), 1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(60),
          Duration.ofMinutes(10));

  JoinFlow flow(NodeIdentity self) {
    return new JoinFlow(
        settings,
        self,
        discovery,
        store,
        adapter,
        new NodeState.InMemory(),
        clock,
        new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), new SplittableRandom(1)),
        () -> "cluster-1",
        StepListener.NONE);
  }

  @Test
  void aNodeWaitingForTheSeedRediscoversOnlyWhenItsViewIsOlderThanTheBackoffCap() {
    discovery.view = List.of(seed, me.asPeer());
    JoinFlow f = flow(me);
    for (int s = 0; s <= 55; s += 5) {
      clock.at(s);
      assertThat(f.step()).isInstanceOf(StepResult.Retry.class);
    }
    assertThat(discovery.calls).isEqualTo(1);
    clock.at(61);
    f.step();
    assertThat(discovery.calls).isEqualTo(2);
  }

  @Test
  void aNewFormationIsJoinedOnAFreshViewNotOnTheCachedOne() {
    discovery.view = List.of(seed, me.asPeer());
    JoinFlow f = flow(me);
    clock.at(0);
    f.step();
    clock.at(5);
    f.step();
    assertThat(discovery.calls).isEqualTo(1);
    // The seed forms and registers; the waiting node learns it from the store.
    store.claimFormation(new FormationRecord("sim", 1, "cluster-1", "i-seed", "10.0.0.1", T0));
    store.putCredentials(1, new Credentials(Map.of("cookie", Secret.of("c"))));
    store.registerMember(new MemberRecord("i-seed", "10.0.0.1", null, 1, T0));
    clock.at(10);
    StepResult r = f.step();
    assertThat(discovery.calls).isEqualTo(2);
    assertThat(r).isInstanceOf(StepResult.Done.class);
    assertThat(adapter.joinedThrough).containsExactly("10.0.0.1");
  }

  @Test
  void theSeedDiscoversAtEveryStepToTellWhetherItsViewIsStable() {
    NodeIdentity lowest = NodeIdentity.of("i-low", "10.0.0.0");
    discovery.view = List.of(lowest.asPeer(), seed, me.asPeer());
    JoinFlow f = flow(lowest);
    clock.at(0);
    f.step();
    clock.at(5);
    f.step();
    clock.at(11);
    StepResult formed = f.step();
    assertThat(discovery.calls).isEqualTo(3);
    assertThat(formed).isInstanceOf(StepResult.Done.class);
    assertThat(adapter.forms).isEqualTo(1);
  }

  static final class MutableClock extends Clock {
    private Instant now = T0;

    void at(int seconds) {
      now = T0.plusSeconds(seconds);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  static final class CountingDiscovery implements Discovery {
    List<Peer> view = List.of();
    int calls;

    @Override
    public List<Peer> discover() {
      calls++;
      return view;
    }

    @Override
    public String describe() {
      return "fixed view";
    }
  }

  static final class MapStore implements CredentialStore {
    final TreeMap<Long, FormationRecord> formations = new TreeMap<>();
    final Map<Long, Credentials> credentials = new LinkedHashMap<>();
    final Map<String, MemberRecord> members = new LinkedHashMap<>();

    @Override
    public Optional<FormationRecord> currentFormation() {
      return formations.isEmpty()
          ? Optional.empty()
          : Optional.of(formations.lastEntry().getValue());
    }

    @Override
    public boolean claimFormation(FormationRecord record) {
      return formations.putIfAbsent(record.generation(), record) == null;
    }

    @Override
    public void putCredentials(long generation, Credentials c) {
      credentials.put(generation, c);
    }

    @Override
    public Optional<Credentials> credentials(long generation) {
      return Optional.ofNullable(credentials.get(generation));
    }

    @Override
    public void registerMember(MemberRecord member) {
      members.put(member.instanceId(), member);
    }

    @Override
    public void deregisterMember(String instanceId) {
      members.remove(instanceId);
    }

    @Override
    public List<MemberRecord> members() {
      return new ArrayList<>(members.values());
    }

    @Override
    public String describe() {
      return "memory";
    }
  }

  static final class RecordingAdapter implements ClusterAdapter {
    final List<String> joinedThrough = new ArrayList<>();
    int forms;
    boolean inCluster;

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public LocalMembership inspect() {
      return new LocalMembership(true, inCluster, null, List.of());
    }

    @Override
    public Credentials form(FormRequest request) {
      forms++;
      inCluster = true;
      return new Credentials(Map.of("cookie", Secret.of("c")));
    }

    @Override
    public void join(JoinRequest request) {
      joinedThrough.add(request.members().get(0).addressText());
      inCluster = true;
    }

    @Override
    public Optional<String> verify(List<Peer> expectedMembers) {
      return inCluster ? Optional.empty() : Optional.of("not in a cluster");
    }

    @Override
    public void leave(boolean force) {
      inCluster = false;
    }

    @Override
    public List<String> plan(String decisionKind, List<Peer> targets) {
      return List.of();
    }
  }
}
