package io.muster.lifecycle;

import java.time.Duration;
import java.time.Instant;

/**
 * When to send the next {@code RecordLifecycleActionHeartbeat}: every interval while an action is
 * worked on, by default a third of the hook's heartbeat timeout, so two heartbeats can be lost or
 * throttled before the hook times out. Not thread-safe; one owner per action.
 */
public final class HeartbeatPacing {
  private final Duration interval;
  private Instant last;

  /**
   * @param interval between heartbeats; see {@link #defaultInterval}
   * @param started when the action began (its timeout counts from there)
   */
  public HeartbeatPacing(Duration interval, Instant started) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("heartbeat interval must be positive: " + interval);
    }
    this.interval = interval;
    this.last = started;
  }

  /** A third of the hook's heartbeat timeout. */
  public static Duration defaultInterval(Duration heartbeatTimeout) {
    return heartbeatTimeout.dividedBy(3);
  }

  public Duration interval() {
    return interval;
  }

  public boolean due(Instant now) {
    return !now.isBefore(last.plus(interval));
  }

  /** How long until the next heartbeat is due (zero when it is due). */
  public Duration untilDue(Instant now) {
    Duration d = Duration.between(now, last.plus(interval));
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** A heartbeat was sent (or tried) at {@code now}. */
  public void sent(Instant now) {
    last = now;
  }
}
