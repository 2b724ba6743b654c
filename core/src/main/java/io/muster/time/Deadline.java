package io.muster.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The deadline of the whole operation ({@code join --timeout}), for calls that have a timeout of
 * their own (the Docker API, a socket): each call waits at most until it, so a hung call cannot
 * outlast the operation. One per process, shared through the plugin context's shared resources;
 * unset (no deadline) for commands without one, such as the agent.
 */
public final class Deadline {
  private final Clock clock;
  private volatile Instant at;
  private volatile String name;

  public Deadline(Clock clock) {
    this.clock = clock;
  }

  /** Calls from now on end no later than {@code at}; {@code name} says what set it. */
  public void set(Instant at, String name) {
    this.name = name;
    this.at = at;
  }

  /** {@code timeout}, or less when the deadline comes first; zero or less once it has passed. */
  public Duration cap(Duration timeout) {
    Instant limit = at;
    if (limit == null) {
      return timeout;
    }
    Duration left = Duration.between(clock.instant(), limit);
    return left.compareTo(timeout) < 0 ? left : timeout;
  }

  /** Whether {@link #cap} shortened {@code timeout}. */
  public boolean shortens(Duration timeout) {
    return cap(timeout).compareTo(timeout) < 0;
  }

  /** What set the deadline, for messages, or null. */
  public String name() {
    return name;
  }
}
