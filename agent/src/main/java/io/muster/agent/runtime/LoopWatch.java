package io.muster.agent.runtime;

import io.muster.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the runtime's loop is doing, for {@code /livez}: starting, stepping a component since when,
 * waiting until when, or stopped. The runtime tells it; the HTTP thread asks it. Times are on the
 * runtime's own (monotonic) clock.
 */
public final class LoopWatch {
  private enum Phase {
    STARTING,
    STEPPING,
    WAITING,
    STOPPED
  }

  private Phase phase = Phase.STARTING;
  private Instant since; // STEPPING: when the step began; WAITING: when the next step is due
  private String component;
  private boolean stopRequested;

  public synchronized void stepping(String name, Instant now) {
    phase = Phase.STEPPING;
    since = now;
    component = name;
  }

  public synchronized void waitingUntil(Instant due) {
    phase = Phase.WAITING;
    since = due;
    component = null;
  }

  public synchronized void stopRequested() {
    stopRequested = true;
  }

  /** Whether the agent was asked to stop (SIGTERM): it may be leaving the cluster now. */
  public synchronized boolean stopping() {
    return stopRequested || phase == Phase.STOPPED;
  }

  public synchronized void stopped() {
    phase = Phase.STOPPED;
  }

  /** Whether the loop is inside a step now (a join may be in progress). */
  public synchronized boolean stepping() {
    return phase == Phase.STEPPING;
  }

  /**
   * Empty while the loop is alive at {@code now}: starting, a step running for less than {@code
   * timeout}, or a wait not overrun by {@code timeout}; else what is wrong.
   */
  public synchronized Optional<String> problem(Instant now, Duration timeout) {
    return switch (phase) {
      case STARTING -> Optional.empty();
      case STOPPED -> Optional.of("the agent's loop has stopped");
      case STEPPING -> {
        Duration running = Duration.between(since, now);
        yield running.compareTo(timeout) <= 0
            ? Optional.empty()
            : Optional.of(
                "the "
                    + component
                    + " step has been running for "
                    + Durations.format(running.withNanos(0))
                    + " (agent.liveness-timeout "
                    + Durations.format(timeout)
                    + ")");
      }
      case WAITING -> {
        Duration late = Duration.between(since, now);
        yield late.compareTo(timeout) <= 0
            ? Optional.empty()
            : Optional.of(
                "the agent's loop is "
                    + Durations.format(late.withNanos(0))
                    + " late for its next step (agent.liveness-timeout "
                    + Durations.format(timeout)
                    + ")");
      }
    };
  }
}
