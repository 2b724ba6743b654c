package io.muster.agent;

import io.muster.adapter.Adapter;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.MembershipFollower;
import io.muster.agent.http.HttpAddress;
import io.muster.agent.http.HttpEndpoint;
import io.muster.agent.lifecycle.GatedComponent;
import io.muster.agent.lifecycle.LifecycleComponent;
import io.muster.agent.lifecycle.LifecycleKeys;
import io.muster.agent.lifecycle.NodeLifecycles;
import io.muster.agent.membership.AgentPacing;
import io.muster.agent.membership.FollowerComponent;
import io.muster.agent.membership.JoinLoopComponent;
import io.muster.agent.membership.LeaveOnShutdown;
import io.muster.agent.observe.AgentMetrics;
import io.muster.agent.observe.BuildInfo;
import io.muster.agent.observe.NodeStatus;
import io.muster.agent.observe.Observer;
import io.muster.agent.runtime.AgentRuntime;
import io.muster.agent.runtime.Component;
import io.muster.agent.runtime.LoopWatch;
import io.muster.agent.runtime.MonotonicClock;
import io.muster.agent.runtime.PeriodicComponent;
import io.muster.bootstrap.Backoff;
import io.muster.bootstrap.JoinFlow;
import io.muster.bootstrap.NodeState;
import io.muster.credentials.CredentialStore;
import io.muster.discovery.Discovery;
import io.muster.plugin.Plugins;
import io.muster.telemetry.InstrumentedAdapter;
import io.muster.telemetry.InstrumentedDiscovery;
import io.muster.telemetry.InstrumentedStore;
import io.muster.time.Sleeper;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** Builds {@code muster agent}'s runtime: which components a node runs, in which order. */
public final class Agents {
  private Agents() {}

  /** The production runtime of the node {@code w} was built for. */
  public static AgentRuntime assemble(Wiring w) {
    NodeContext ctx = w.context();
    MonotonicClock monotonic = MonotonicClock.start();
    LoopWatch watch = new LoopWatch();
    Adapter adapter = w.adapter();
    String provider = Plugins.discovery().selected(ctx.settings()).name();
    boolean joins = adapter instanceof ClusterAdapter;
    CredentialStore rawStore = joins ? w.store() : null;
    Discovery rawDiscovery = w.discovery();
    NodeState state = joins ? w.state() : null;
    NodeStatus status =
        new NodeStatus(
            new NodeStatus.Setup(
                w.bootstrap().cluster(),
                BuildInfo.version(),
                joins ? ctx.identity() : null,
                provider,
                rawDiscovery.describe(),
                joins ? rawStore.describe() : null,
                adapter.name(),
                joins,
                ctx.settings().duration(AgentKeys.LIVENESS_TIMEOUT)),
            ctx.clock(),
            monotonic,
            watch,
            state == null ? new NodeState.InMemory() : state);
    Observer observer =
        new Observer(
            new AgentMetrics(BuildInfo.version(), provider, adapter.name(), true),
            status,
            monotonic);
    Discovery discovery = new InstrumentedDiscovery(rawDiscovery, provider, observer, monotonic);

    boolean leaveOnShutdown = ctx.settings().bool(AgentKeys.LEAVE_ON_SHUTDOWN);
    Duration checkInterval = ctx.settings().duration(AgentKeys.CHECK_INTERVAL);
    Backoff backoff =
        new Backoff(w.bootstrap().interval(), w.bootstrap().backoffCap(), new SecureRandom());
    Joining joining = null;
    if (adapter instanceof ClusterAdapter c) {
      CredentialStore store = new InstrumentedStore(rawStore, observer, monotonic);
      ClusterAdapter measured = new InstrumentedAdapter(c, observer);
      joining =
          new Joining(
              measured,
              w.flow(discovery, store, measured, state, observer),
              store,
              state,
              ctx.identity().instanceId());
    }
    Joining j = joining;
    Function<BooleanSupplier, LifecycleComponent> lifecycle =
        !ctx.settings().bool(LifecycleKeys.ENABLED)
            ? null
            : member ->
                NodeLifecycles.create(
                        ctx.plugins(),
                        w.timeout(),
                        j == null ? null : j.adapter(),
                        j == null ? null : j.store(),
                        j == null ? new NodeState.InMemory() : j.state(),
                        member,
                        ctx.clock(),
                        Sleeper.SYSTEM)
                    .reportingTo(observer);
    List<Component> components = new ArrayList<>();
    // First, so that it stops last: it answers "leaving" while the others stop, and its port is
    // closed once the agent has stopped.
    http(ctx, observer).ifPresent(components::add);
    components.addAll(
        components(
            adapter instanceof MembershipFollower f
                ? InstrumentedAdapter.follower(f, observer)
                : adapter,
            adapter,
            discovery,
            joining,
            new AgentPacing(backoff, checkInterval, w.bootstrap().backoffCap()),
            leaveOnShutdown,
            observer,
            lifecycle));
    return new AgentRuntime(components, monotonic, Sleeper.SYSTEM, backoff::afterFailures, watch);
  }

  /** The HTTP endpoint, unless agent.http-address is empty. */
  private static Optional<Component> http(NodeContext ctx, Observer observer) {
    return ctx.settings()
        .optionalString(AgentKeys.HTTP_ADDRESS)
        .map(a -> new HttpEndpoint(HttpAddress.parse(a), observer.status(), observer.metrics()));
  }

  /** What a node with a joining adapter needs besides the adapter itself. */
  record Joining(
      ClusterAdapter adapter,
      JoinFlow flow,
      CredentialStore store,
      NodeState state,
      String instanceId) {}

  /**
   * The components, in start order: leave-on-shutdown first, so that it stops last, after every
   * other component has stopped; the join loop before the follower, so that at a tie the follower
   * acts on what the join loop has just found.
   *
   * @param joining null for an adapter that joins nothing (a pure follower)
   */
  static List<Component> components(
      Adapter adapter,
      Discovery discovery,
      Joining joining,
      AgentPacing pacing,
      boolean leaveOnShutdown) {
    return components(adapter, adapter, discovery, joining, pacing, leaveOnShutdown, null);
  }

  /**
   * @param follower what the follower component tells about membership changes ({@code adapter}
   *     itself, or it instrumented)
   * @param adapter the adapter as built, whose type says which components run
   * @param observer told every join-loop result and follower sync; null for none
   */
  static List<Component> components(
      Adapter follower,
      Adapter adapter,
      Discovery discovery,
      Joining joining,
      AgentPacing pacing,
      boolean leaveOnShutdown,
      Observer observer) {
    return components(
        follower, adapter, discovery, joining, pacing, leaveOnShutdown, observer, null);
  }

  /**
   * As above, with the on-node lifecycle intake when {@code lifecycle} is given: it is stepped
   * before the join loop (so its first read of the target state opens the join gate), gates the
   * join loop and the follower, and is given the join loop's verdict on membership.
   *
   * @param lifecycle builds the lifecycle component from "is this node a verified member", or null
   */
  static List<Component> components(
      Adapter follower,
      Adapter adapter,
      Discovery discovery,
      Joining joining,
      AgentPacing pacing,
      boolean leaveOnShutdown,
      Observer observer,
      Function<BooleanSupplier, LifecycleComponent> lifecycle) {
    List<Component> components = new ArrayList<>();
    JoinLoopComponent joinLoop = null;
    if (joining != null) {
      if (leaveOnShutdown) {
        components.add(
            new LeaveOnShutdown(
                joining.adapter(), joining.store(), joining.state(), joining.instanceId()));
      }
      joinLoop =
          new JoinLoopComponent(
              joining.flow()::step,
              pacing,
              adapter instanceof MembershipFollower,
              observer == null ? r -> {} : observer::stepEnded);
    }
    JoinLoopComponent loop = joinLoop;
    LifecycleComponent watcher =
        lifecycle == null ? null : lifecycle.apply(() -> loop != null && loop.member());
    if (watcher != null) {
      components.add(watcher);
    }
    if (joinLoop != null) {
      components.add(gated(joinLoop, watcher == null ? null : watcher::mayJoin, pacing));
    }
    if (adapter instanceof MembershipFollower) {
      MembershipFollower f = (MembershipFollower) follower;
      FollowerComponent fc =
          joinLoop == null
              ? FollowerComponent.ofView(f, discovery, pacing::poll)
              : FollowerComponent.ofRegisteredMembers(
                  f, discovery, joining.store(), joinLoop::member, pacing::poll);
      if (observer != null) {
        fc.onSynced(observer.status()::followerSynced);
      }
      components.add(gated(fc, watcher == null ? null : watcher::mayFollow, pacing));
    }
    return components;
  }

  private static PeriodicComponent gated(
      PeriodicComponent c, BooleanSupplier gate, AgentPacing pacing) {
    return gate == null ? c : new GatedComponent(c, gate, pacing.poll());
  }
}
