package io.muster.agent;

import io.muster.adapter.Adapter;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.MembershipFollower;
import io.muster.agent.lifecycle.GatedComponent;
import io.muster.agent.lifecycle.LifecycleComponent;
import io.muster.agent.lifecycle.LifecycleKeys;
import io.muster.agent.lifecycle.NodeLifecycles;
import io.muster.agent.membership.AgentPacing;
import io.muster.agent.membership.FollowerComponent;
import io.muster.agent.membership.JoinLoopComponent;
import io.muster.agent.membership.LeaveOnShutdown;
import io.muster.agent.runtime.AgentRuntime;
import io.muster.agent.runtime.Component;
import io.muster.agent.runtime.MonotonicClock;
import io.muster.agent.runtime.PeriodicComponent;
import io.muster.bootstrap.Backoff;
import io.muster.bootstrap.JoinFlow;
import io.muster.bootstrap.NodeState;
import io.muster.credentials.CredentialStore;
import io.muster.discovery.Discovery;
import io.muster.time.Sleeper;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** Builds {@code muster agent}'s runtime: which components a node runs, in which order. */
public final class Agents {
  private Agents() {}

  /** The production runtime of the node {@code w} was built for. */
  public static AgentRuntime assemble(Wiring w) {
    NodeContext ctx = w.context();
    Adapter adapter = w.adapter();
    Discovery discovery = w.discovery();
    boolean leaveOnShutdown = ctx.settings().bool(AgentKeys.LEAVE_ON_SHUTDOWN);
    Duration checkInterval = ctx.settings().duration(AgentKeys.CHECK_INTERVAL);
    Backoff backoff =
        new Backoff(w.bootstrap().interval(), w.bootstrap().backoffCap(), new SecureRandom());
    Joining joining = null;
    if (adapter instanceof ClusterAdapter c) {
      CredentialStore store = w.store();
      NodeState state = w.state();
      joining =
          new Joining(
              c, w.flow(discovery, store, c, state), store, state, ctx.identity().instanceId());
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
                    Sleeper.SYSTEM);
    return new AgentRuntime(
        components(
            adapter,
            discovery,
            joining,
            new AgentPacing(backoff, checkInterval, w.bootstrap().backoffCap()),
            leaveOnShutdown,
            lifecycle),
        MonotonicClock.start(),
        Sleeper.SYSTEM,
        backoff::afterFailures);
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
    return components(adapter, discovery, joining, pacing, leaveOnShutdown, null);
  }

  /**
   * As above, with the on-node lifecycle intake when {@code lifecycle} is given: it is stepped
   * before the join loop (so its first read of the target state opens the join gate), gates the
   * join loop and the follower, and is given the join loop's verdict on membership.
   *
   * @param lifecycle builds the lifecycle component from "is this node a verified member", or null
   */
  static List<Component> components(
      Adapter adapter,
      Discovery discovery,
      Joining joining,
      AgentPacing pacing,
      boolean leaveOnShutdown,
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
              joining.flow()::step, pacing, adapter instanceof MembershipFollower);
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
    if (adapter instanceof MembershipFollower follower) {
      components.add(
          gated(
              joinLoop == null
                  ? FollowerComponent.ofView(follower, discovery, pacing::poll)
                  : FollowerComponent.ofRegisteredMembers(
                      follower, discovery, joining.store(), joinLoop::member, pacing::poll),
              watcher == null ? null : watcher::mayFollow,
              pacing));
    }
    return components;
  }

  private static PeriodicComponent gated(
      PeriodicComponent c, BooleanSupplier gate, AgentPacing pacing) {
    return gate == null ? c : new GatedComponent(c, gate, pacing.poll());
  }
}
