package io.muster.agent.runtime;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that never steps: the wall time at creation plus the elapsed {@link System#nanoTime()}.
 * The runtime schedules on it because a fresh instance often has its wall clock stepped at boot
 * (NTP), and a step back would postpone every due component by the size of the step. Timestamps
 * that people read (member records, step records) keep using the wall clock.
 */
public final class MonotonicClock extends Clock {
  private final Instant origin;
  private final long originNanos;

  private MonotonicClock(Instant origin, long originNanos) {
    this.origin = origin;
    this.originNanos = originNanos;
  }

  /** Starts counting now. */
  public static MonotonicClock start() {
    return new MonotonicClock(Instant.now(), System.nanoTime());
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(System.nanoTime() - originNanos);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** The zone plays no part in scheduling; this clock stays in UTC. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
