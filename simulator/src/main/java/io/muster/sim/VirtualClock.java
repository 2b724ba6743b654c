package io.muster.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that shows the simulation's current event time; it only moves when the run moves it. */
final class VirtualClock extends Clock {
  /** Virtual time 0 (an arbitrary fixed instant, so runs are reproducible). */
  static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private long nowMillis;

  long now() {
    return nowMillis;
  }

  void set(long millis) {
    if (millis < nowMillis) {
      throw new IllegalStateException("virtual time cannot go back: " + millis + " < " + nowMillis);
    }
    nowMillis = millis;
  }

  @Override
  public Instant instant() {
    return EPOCH.plusMillis(nowMillis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
