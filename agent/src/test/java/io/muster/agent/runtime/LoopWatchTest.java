package io.muster.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoopWatchTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  static final Duration TIMEOUT = Duration.ofMinutes(5);
  final LoopWatch watch = new LoopWatch();

  @Test
  void aliveWhileStartingWaitingOnTimeOrSteppingBriefly() {
    assertThat(watch.problem(T0, TIMEOUT)).isEmpty();
    watch.waitingUntil(T0.plusSeconds(60));
    assertThat(watch.problem(T0.plusSeconds(60).plus(TIMEOUT), TIMEOUT)).isEmpty();
    watch.stepping("join loop", T0);
    assertThat(watch.stepping()).isTrue();
    assertThat(watch.problem(T0.plus(TIMEOUT), TIMEOUT)).isEmpty();
  }

  @Test
  void aStepRunningPastTheTimeoutIsNamed() {
    watch.stepping("join loop", T0);

    assertThat(watch.problem(T0.plus(Duration.ofMinutes(6)), TIMEOUT))
        .contains("the join loop step has been running for 6m (agent.liveness-timeout 5m)");
  }

  @Test
  void aWaitOverrunByTheTimeoutMeansTheLoopIsStuck() {
    watch.waitingUntil(T0);

    assertThat(watch.problem(T0.plus(Duration.ofMinutes(7)), TIMEOUT))
        .contains("the agent's loop is 7m late for its next step (agent.liveness-timeout 5m)");
  }

  @Test
  void aStopIsNotAliveAndMeansStopping() {
    assertThat(watch.stopping()).isFalse();
    watch.stopRequested();
    assertThat(watch.stopping()).isTrue();
    watch.stopped();
    assertThat(watch.problem(T0, TIMEOUT)).contains("the agent's loop has stopped");
  }
}
