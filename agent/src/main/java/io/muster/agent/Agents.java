package io.muster.agent;

import io.muster.adapter.Adapter;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.MembershipFollower;
import io.muster.agent.membership.AgentPacing;
import io.muster.agent.membership.FollowerComponent;
import io.muster.agent.membership.JoinLoopComponent;
import io.muster.agent.membership.LeaveOnShutdown;
import io.muster.agent.runtime.AgentRuntime;
import io.muster.agent.runtime.Component;
import io.muster.agent.runtime.MonotonicClock;
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
    return new AgentRuntime(
        components(
            adapter,
            discovery,
            joining,
            new AgentPacing(backoff, checkInterval, w.bootstrap().backoffCap()),
            leaveOnShutdown),
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
      components.add(joinLoop);
    }
    if (adapter instanceof MembershipFollower follower) {
      components.add(
          joinLoop == null
              ? FollowerComponent.ofView(follower, discovery, pacing::poll)
              : FollowerComponent.ofRegisteredMembers(
                  follower, discovery, joining.store(), joinLoop::member, pacing::poll));
    }
    return components;
  }
}
