package io.muster.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A clock that moves only when told to: by {@link #advance}, {@link #set} or {@link #sleep}. Code
 * under test waits without waiting: pass {@code clock::sleep} where it takes core's {@code
 * io.muster.time.Sleeper}. Thread-safe; {@link #withZone} views share this clock's time.
 */
public class ManualClock extends Clock {
  /** Where a new clock starts unless told otherwise. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final Object lock = new Object();
  private final List<Runnable> onSleep = new ArrayList<>();
  private final List<Duration> sleeps = new ArrayList<>();
  private Instant now;
  private Duration slept = Duration.ZERO;

  public ManualClock() {
    this(DEFAULT_START);
  }

  public ManualClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  @Override
  public Instant instant() {
    synchronized (lock) {
      return now;
    }
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return zone.equals(getZone()) ? this : new Zoned(this, zone);
  }

  /** Moves the clock forward (or, with a negative duration, back); not counted as sleeping. */
  public void advance(Duration d) {
    synchronized (lock) {
      now = now.plus(d);
    }
  }

  /** Sets the time outright; not counted as sleeping. */
  public void set(Instant instant) {
    synchronized (lock) {
      now = Objects.requireNonNull(instant, "instant");
    }
  }

  /**
   * A sleep that costs no real time: advances the clock by {@code d}, records it, then runs the
   * {@link #onSleep} hooks (the world moving on while the code under test waits).
   */
  public void sleep(Duration d) {
    List<Runnable> hooks;
    synchronized (lock) {
      now = now.plus(d);
      slept = slept.plus(d);
      sleeps.add(d);
      hooks = List.copyOf(onSleep);
    }
    hooks.forEach(Runnable::run);
  }

  /** Runs {@code hook} after every {@link #sleep}, in the order hooks were added. */
  public ManualClock onSleep(Runnable hook) {
    synchronized (lock) {
      onSleep.add(Objects.requireNonNull(hook, "hook"));
    }
    return this;
  }

  /**
   * Runs {@code action} once, after the first {@link #sleep} that brings {@link #slept()} to {@code
   * total} or beyond: "stop the run under test once it has waited ten minutes". An {@link #onSleep}
   * hook, so it runs on the sleeping thread, before that sleep returns.
   */
  public ManualClock whenSlept(Duration total, Runnable action) {
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(action, "action");
    AtomicBoolean ran = new AtomicBoolean();
    return onSleep(
        () -> {
          if (slept().compareTo(total) >= 0 && ran.compareAndSet(false, true)) {
            action.run();
          }
        });
  }

  /** The total of every {@link #sleep} so far. */
  public Duration slept() {
    synchronized (lock) {
      return slept;
    }
  }

  /** Every {@link #sleep} so far, in order. */
  public List<Duration> sleeps() {
    synchronized (lock) {
      return List.copyOf(sleeps);
    }
  }

  @Override
  public String toString() {
    return "ManualClock[" + instant() + "]";
  }

  /** This clock's time in another zone. */
  private static final class Zoned extends Clock {
    private final ManualClock clock;
    private final ZoneId zone;

    Zoned(ManualClock clock, ZoneId zone) {
      this.clock = clock;
      this.zone = zone;
    }

    @Override
    public Instant instant() {
      return clock.instant();
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
      return clock.withZone(z);
    }
  }
}
