package io.muster.agent.membership;

import io.muster.bootstrap.Backoff;
import java.time.Duration;
import java.util.random.RandomGenerator;

/** Pacing without jitter, so tests can name the waits. */
final class Pacings {
  static final Duration POLL = Duration.ofSeconds(5);
  static final Duration CHECK = Duration.ofSeconds(60);
  static final Duration CAP = Duration.ofSeconds(60);

  /** nextDouble() of this generator is exactly 0.5: the middle of every jittered range. */
  static final RandomGenerator MIDDLE = () -> Long.MIN_VALUE;

  private Pacings() {}

  static AgentPacing unjittered() {
    return new AgentPacing(new Backoff(POLL, CAP, MIDDLE), CHECK, CAP);
  }
}
