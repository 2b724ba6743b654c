package io.muster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.Adapter;
import io.muster.adapter.MembershipFollower;
import io.muster.adapter.RecordingAdapter;
import io.muster.agent.membership.AgentPacing;
import io.muster.agent.observe.AgentMetrics;
import io.muster.agent.observe.NodeStatus;
import io.muster.agent.observe.Observer;
import io.muster.agent.runtime.AgentRuntime;
import io.muster.agent.runtime.Component;
import io.muster.agent.runtime.LoopWatch;
import io.muster.bootstrap.Backoff;
import io.muster.bootstrap.BootstrapSettings;
import io.muster.bootstrap.JoinFlow;
import io.muster.bootstrap.Membership;
import io.muster.bootstrap.NodeState;
import io.muster.bootstrap.StepListener;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.discovery.CountingDiscovery;
import io.muster.election.ElectionSettings;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.telemetry.InstrumentedAdapter;
import io.muster.telemetry.InstrumentedDiscovery;
import io.muster.telemetry.InstrumentedStore;
import io.muster.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent as assembled, on a real join flow and virtual time: which components run, and what the
 * follower costs the fleet's quotas while this node waits to join.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentsTest {
  static final Duration INTERVAL = Duration.ofSeconds(5);
  static final Duration CAP = Duration.ofSeconds(60);
  static final RandomGenerator NO_JITTER = () -> Long.MIN_VALUE; // nextDouble() == 0.5

  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  final ManualClock clock = new ManualClock(T0);
  final NodeIdentity self = NodeIdentity.of("i-self", "10.0.0.1");
  final Peer other = Peer.of("10.0.0.2").withInstanceId("i-other");
  final CountingDiscovery discovery = new CountingDiscovery();
  final InMemoryCredentialStore store = new InMemoryCredentialStore();
  final NodeState.InMemory state = new NodeState.InMemory();
  final RecordingAdapter.Following adapter = new RecordingAdapter.Following();

  /** A node that needs three peers to form a cluster: with two in view, it waits forever. */
  Agents.Joining joining() {
    Backoff backoff = new Backoff(INTERVAL, CAP, NO_JITTER);
    JoinFlow flow =
        new JoinFlow(
            new BootstrapSettings(
                "prod",
                new ElectionSettings(Duration.ofSeconds(10), 3),
                INTERVAL,
                CAP,
                Duration.ofMinutes(10)),
            self,
            discovery,
            store,
            adapter,
            state,
            clock,
            backoff,
            () -> "cid-1",
            StepListener.NONE);
    return new Agents.Joining(adapter, flow, store, state, self.instanceId());
  }

  AgentPacing pacing() {
    return new AgentPacing(new Backoff(INTERVAL, CAP, NO_JITTER), Duration.ofSeconds(60), CAP);
  }

  AgentRuntime runtime(Adapter adapter, Agents.Joining joining, boolean leaveOnShutdown) {
    return new AgentRuntime(
        Agents.components(adapter, discovery, joining, pacing(), leaveOnShutdown),
        clock,
        clock::sleep,
        n -> CAP);
  }

  static List<String> names(AgentRuntime runtime) {
    return runtime.components().stream().map(Component::name).toList();
  }

  /** Makes this node a recorded, registered, clustered member of generation 1 with the other. */
  void aMember() throws Exception {
    store.claimFormation(new FormationRecord("prod", 1, "cid-1", "i-other", "10.0.0.2", T0));
    store.registerMember(new MemberRecord("i-other", "10.0.0.2", null, 1, T0));
    store.registerMember(new MemberRecord("i-self", "10.0.0.1", null, 1, T0));
    state.saveMembership(new Membership("prod", 1, "cid-1", T0));
    adapter.clustered = true;
  }

  @Test
  void aJoiningFollowerStopsFollowingThenJoiningThenLeaves() {
    assertThat(names(runtime(adapter, joining(), true)))
        .containsExactly("leave on shutdown", "join loop", "membership follower");
    assertThat(names(runtime(adapter, joining(), false)))
        .containsExactly("join loop", "membership follower");
    assertThat(names(runtime(new RecordingAdapter(), joining(), false)))
        .containsExactly("join loop");
  }

  @Test
  void aPureFollowerOnlyFollowsAndNeverLeaves() {
    MembershipFollower haproxy =
        new MembershipFollower() {
          @Override
          public String name() {
            return "haproxy";
          }

          @Override
          public void membersChanged(List<Peer> members) {}
        };

    assertThat(names(runtime(haproxy, null, true))).containsExactly("membership follower");
  }

  @Test
  void whileTheFlowWaitsTheFollowerMakesNoDiscoveryPassOfItsOwn() throws Exception {
    discovery.see(self.asPeer(), other);
    AgentRuntime runtime = runtime(adapter, joining(), true);
    clock.whenSlept(Duration.ofMinutes(10), runtime::stop);

    runtime.run();

    assertThat(discovery.listCalls()).as("the flow looked, paced").isGreaterThan(10);
    assertThat(discovery.discoverCalls()).as("nobody took an authoritative pass").isZero();
    assertThat(adapter.told).isEmpty();
    assertThat(adapter.calls).as("not a member: no leave on stop").isEmpty();
    assertThat(store.deregistered()).isEmpty();
  }

  @Test
  void aMemberFollowsTheRegisteredMembersAndLeavesOnStop() throws Exception {
    discovery.see(self.asPeer(), other);
    aMember();
    AgentRuntime runtime = runtime(adapter, joining(), true);
    clock.whenSlept(Duration.ofMinutes(1), runtime::stop);

    runtime.run();

    assertThat(adapter.told).containsExactly(List.of(self.asPeer(), other));
    assertThat(clock.sleeps())
        .as("a following member steps every interval")
        .allMatch(INTERVAL::equals);
    assertThat(adapter.calls).containsExactly("leave:false");
    assertThat(store.deregistered()).containsExactly("i-self");
    assertThat(state.membership()).isEmpty();
  }

  @Test
  void anObservedAgentSaysWhyItIsNotReadyThenThatItIsAMemberAndCountsWhatItDid() throws Exception {
    Peer third = Peer.of("10.0.0.3").withInstanceId("i-third");
    discovery.see(self.asPeer(), other, third);
    LoopWatch watch = new LoopWatch();
    NodeStatus status =
        new NodeStatus(
            new NodeStatus.Setup(
                "prod",
                "test",
                self,
                "static",
                "counting",
                store.describe(),
                adapter.name(),
                true,
                Duration.ofMinutes(5)),
            clock,
            clock,
            watch,
            state);
    AgentMetrics metrics = new AgentMetrics("test", "static", adapter.name(), false);
    Observer observer = new Observer(metrics, status, clock);
    InstrumentedAdapter measured = new InstrumentedAdapter(adapter, observer);
    InstrumentedStore measuredStore = new InstrumentedStore(store, observer, clock);
    Backoff backoff = new Backoff(INTERVAL, CAP, NO_JITTER);
    JoinFlow flow =
        new JoinFlow(
            new BootstrapSettings(
                "prod",
                new ElectionSettings(Duration.ofSeconds(10), 3),
                INTERVAL,
                CAP,
                Duration.ofMinutes(10)),
            self,
            new InstrumentedDiscovery(discovery, "static", observer, clock),
            measuredStore,
            measured,
            state,
            clock,
            backoff,
            () -> "cid-1",
            observer);
    AgentRuntime runtime =
        new AgentRuntime(
            Agents.components(
                adapter,
                adapter,
                discovery,
                new Agents.Joining(measured, flow, measuredStore, state, self.instanceId()),
                pacing(),
                false,
                observer),
            clock,
            clock::sleep,
            n -> CAP,
            watch);
    List<String> reasons = new java.util.ArrayList<>();
    clock.onSleep(() -> reasons.add(status.readiness().reason()));
    clock.whenSlept(Duration.ofMinutes(2), runtime::stop);

    runtime.run();

    assertThat(reasons.get(0)).startsWith("waiting: ").contains("stable");
    assertThat(reasons).contains("member of generation 1");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    metrics.writeText(out);
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("muster_member 1.0")
        .contains("muster_decisions_total{kind=\"form\"} 1.0")
        .contains("muster_store_requests_total{operation=\"claim_formation\"} 1.0")
        .contains(
            "muster_adapter_operations_total{adapter=\"recording\",outcome=\"ok\",verb=\"form\"} 1.0")
        .contains("muster_view_peers 3.0")
        .contains("muster_join_duration_seconds_count 1");
  }
}
