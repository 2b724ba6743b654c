package io.muster.adapter.haproxy;

import io.muster.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A virtual clock whose sleeper advances it: unit tests wait without waiting. */
final class FakeTime extends Clock implements Sleeper {
  private Instant now = Instant.parse("2026-11-21T00:00:00Z");
  private Duration slept = Duration.ZERO;
  private Runnable onSleep = () -> {};

  @Override
  public synchronized void sleep(Duration d) {
    now = now.plus(d);
    slept = slept.plus(d);
    onSleep.run();
  }

  /** Runs on every sleep (e.g. sessions ending while the follower waits). */
  void onSleep(Runnable r) {
    onSleep = r;
  }

  Duration slept() {
    return slept;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }
}
