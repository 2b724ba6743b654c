package io.muster.agent.observe;

import io.muster.bootstrap.NodeState;
import io.muster.bootstrap.StepListener;
import io.muster.bootstrap.StepResult;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.LifecycleTransition;
import io.muster.model.Peer;
import io.muster.telemetry.Outcome;
import io.muster.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The agent's one observer: hands what the protocol reports (its {@link Telemetry} calls, its
 * decisions, the join loop's results) to both the metrics and the live status, and times the join.
 */
public final class Observer implements Telemetry, StepListener {
  private final AgentMetrics metrics;
  private final NodeStatus status;
  private final Clock monotonic;
  private final Instant started;
  private boolean joinTimed; // only the loop thread touches it

  public Observer(AgentMetrics metrics, NodeStatus status, Clock monotonic) {
    this.metrics = metrics;
    this.status = status;
    this.monotonic = monotonic;
    this.started = monotonic.instant();
  }

  public AgentMetrics metrics() {
    return metrics;
  }

  public NodeStatus status() {
    return status;
  }

  @Override
  public void discovery(
      String provider, Outcome outcome, Duration latency, List<Peer> peers, String error) {
    metrics.discovery(provider, outcome, latency, peers, error);
    status.discovery(provider, outcome, latency, peers, error);
  }

  @Override
  public void store(String operation, Outcome outcome, Duration latency, String error) {
    metrics.store(operation, outcome, latency, error);
    status.store(operation, outcome, latency, error);
  }

  @Override
  public void adapter(String adapter, String verb, Outcome outcome, String error) {
    metrics.adapter(adapter, verb, outcome, error);
    status.adapter(adapter, verb, outcome, error);
  }

  @Override
  public void lifecycleAction(LifecycleTransition transition, LifecycleResult result) {
    metrics.lifecycleAction(transition, result);
  }

  @Override
  public void lifecycleActionFailed(LifecycleTransition transition, String error) {
    metrics.lifecycleActionFailed(transition, error);
  }

  @Override
  public void decided(NodeState.StepRecord step) {
    metrics.decision(step.decision());
    status.decided(step);
  }

  /** The log lines of events are written by the logging listener; nothing to count here. */
  @Override
  public void event(String kind, String message) {}

  /**
   * A join-loop step ended. The first time this node forms or joins, the time since the agent
   * started is observed as the join duration (a restarted member that only verifies is not a join).
   */
  public void stepEnded(StepResult r) {
    status.stepEnded(r);
    metrics.member(r instanceof StepResult.Done);
    if (!joinTimed && r instanceof StepResult.Done d && d.changed()) {
      joinTimed = true;
      metrics.joined(Duration.between(started, monotonic.instant()));
    }
  }
}
