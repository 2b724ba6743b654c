package io.muster.bootstrap;

import io.muster.adapter.RecordingAdapter;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.Secret;
import io.muster.discovery.CountingDiscovery;
import io.muster.election.ElectionSettings;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The set-up the pacing tests share: a manual clock, counting discovery, a recording adapter, the
 * given store, and settings that differ only in {@code store.fleet-rate} (JoinFlowPacingTest counts
 * describe calls with store reads unpaced; JoinFlowStorePacingTest counts store reads).
 */
final class PacingFixture {
  final Fakes.MutableClock clock = new Fakes.MutableClock();
  final Instant t0 = clock.instant();
  final CountingDiscovery discovery = new CountingDiscovery();
  final RecordingAdapter adapter = new RecordingAdapter();
  final CredentialStore store;
  final BootstrapSettings settings;

  /**
   * @param storeFleetRate store requests per second the whole fleet may make
   */
  PacingFixture(CredentialStore store, int storeFleetRate) {
    this.store = store;
    this.settings =
        new BootstrapSettings(
            "sim",
            new ElectionSettings(Duration.ofSeconds(10), 1, Duration.ofMinutes(2)),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            Duration.ofMinutes(10),
            10,
            storeFleetRate);
  }

  void at(int seconds) {
    clock.set(t0.plusSeconds(seconds));
  }

  JoinFlow flow(NodeIdentity self) {
    return flow(self, new NodeState.InMemory());
  }

  JoinFlow flow(NodeIdentity self, NodeState state) {
    return new JoinFlow(
        settings,
        self,
        discovery,
        store,
        adapter,
        state,
        clock,
        new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), new SplittableRandom(1)),
        () -> "cluster-1",
        StepListener.NONE);
  }

  /** {@code count} peers 10.0.<i/250>.<i%250+1>, with instance ids. */
  static List<Peer> fleet(int count) {
    List<Peer> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(Peer.of("10.0." + (i / 250) + "." + (i % 250 + 1)).withInstanceId("i-" + i));
    }
    return out;
  }

  /** Discovery sees {@code view}; the flow of its last (highest-ranked-last) node. */
  JoinFlow lastNodeOf(List<Peer> view) {
    discovery.see(view);
    Peer last = view.get(view.size() - 1);
    return flow(NodeIdentity.of(last.instanceId(), last.addressText()));
  }

  /** Generation 1 formed by {@code founder} with a view of {@code viewSize}, founder a member. */
  void formedBy(Peer founder, int viewSize) throws Exception {
    store.claimFormation(
        new FormationRecord(
            "sim", 1, "cluster-1", founder.instanceId(), founder.addressText(), t0, viewSize));
    store.putCredentials(1, new Credentials(Map.of("cookie", Secret.of("c"))));
    store.registerMember(
        new MemberRecord(founder.instanceId(), founder.addressText(), null, 1, t0));
  }
}
