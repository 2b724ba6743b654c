package io.muster.adapter.swarm;

import io.muster.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that only moves when its {@link #sleeper()} sleeps: waits cost no real time. */
final class ManualClock extends Clock {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private Duration slept = Duration.ZERO;

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }

  Sleeper sleeper() {
    return d -> {
      now = now.plus(d);
      slept = slept.plus(d);
    };
  }

  Duration slept() {
    return slept;
  }
}
