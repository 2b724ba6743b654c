package io.muster.agent.testing;

import io.muster.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Virtual time for the agent's tests: a clock that moves only when something sleeps, and a sleeper
 * that moves it instead of waiting. Kept minimal: test clocks are being consolidated into
 * test-support.
 */
public final class ManualTime {
  public static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

  private Instant now = START;
  private final List<Duration> sleeps = new ArrayList<>();
  private Duration limit;
  private Runnable atLimit;

  public Clock clock() {
    return new Clock() {
      @Override
      public Instant instant() {
        return now;
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }
    };
  }

  /** Advances the clock by every requested sleep, at once. */
  public Sleeper sleeper() {
    return d -> {
      sleeps.add(d);
      now = now.plus(d);
      if (atLimit != null && elapsed().compareTo(limit) >= 0) {
        Runnable r = atLimit;
        atLimit = null;
        r.run();
      }
    };
  }

  /** Runs {@code action} (typically a runtime's stop) once a sleep has taken time to {@code at}. */
  public void whenElapsed(Duration at, Runnable action) {
    limit = at;
    atLimit = action;
  }

  public Duration elapsed() {
    return Duration.between(START, now);
  }

  /** Every sleep asked for, in order. */
  public List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }
}
