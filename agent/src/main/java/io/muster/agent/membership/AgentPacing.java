package io.muster.agent.membership;

import io.muster.bootstrap.Backoff;
import io.muster.bootstrap.StepResult;
import java.time.Duration;

/**
 * How often the agent's membership components step: one jittered discovery interval while there is
 * something to watch, the backoff cap after a failure, and {@code agent.check-interval} for a
 * member (a member of a large fleet must not read the store every interval).
 */
public final class AgentPacing {
  private final Backoff backoff;
  private final Duration checkInterval;
  private final Duration backoffCap;

  public AgentPacing(Backoff backoff, Duration checkInterval, Duration backoffCap) {
    this.backoff = backoff;
    this.checkInterval = checkInterval;
    this.backoffCap = backoffCap;
  }

  /** One discovery interval, jittered so a fleet started together does not poll in lock-step. */
  public Duration poll() {
    return backoff.poll();
  }

  /** The wait after a join step with result {@code r}; see {@link #nextWait}. */
  Duration afterJoinStep(StepResult r, boolean follower) {
    return nextWait(r, follower, poll(), checkInterval, backoffCap);
  }

  /**
   * How long the join loop waits after a step: what a waiting flow asked for; the backoff cap after
   * a failure; and for a member, {@code agent.check-interval}, unless this node also follows
   * membership (HAProxy), which must see changes within an interval.
   */
  static Duration nextWait(
      StepResult r, boolean follower, Duration poll, Duration checkInterval, Duration cap) {
    if (r instanceof StepResult.Retry retry) {
      return retry.after();
    }
    if (r instanceof StepResult.Failed) {
      return cap;
    }
    if (follower || checkInterval.compareTo(poll) <= 0) {
      return poll;
    }
    return checkInterval;
  }
}
