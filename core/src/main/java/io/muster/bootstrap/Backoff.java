package io.muster.bootstrap;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped, jittered waits. Polling ("not yet") waits one interval with +-20% jitter so a fleet
 * booted together does not call AWS in lock-step; failures back off exponentially from the interval
 * up to the cap, with "equal jitter" (half fixed, half random).
 */
public final class Backoff {
  private final Duration interval;
  private final Duration cap;
  private final RandomGenerator random;

  public Backoff(Duration interval, Duration cap, RandomGenerator random) {
    this.interval = interval;
    this.cap = cap;
    this.random = random;
  }

  public Duration poll() {
    long ms = interval.toMillis();
    return Duration.ofMillis(Math.max(1, (long) (ms * (0.8 + 0.4 * random.nextDouble()))));
  }

  /** A uniformly random moment within {@code window}: spreads a fleet's reaction to one event. */
  public Duration spread(Duration window) {
    long ms = window.toMillis();
    return ms <= 0 ? Duration.ZERO : Duration.ofMillis((long) (random.nextDouble() * ms));
  }

  /** The wait after {@code failures} consecutive failures (1 = first failure). */
  public Duration afterFailures(int failures) {
    long base = interval.toMillis();
    long exp = base << Math.min(Math.max(0, failures - 1), 20);
    long capped = Math.min(Math.max(base, exp), cap.toMillis());
    long half = capped / 2;
    return Duration.ofMillis(Math.max(1, half + (long) (random.nextDouble() * (capped - half))));
  }
}
