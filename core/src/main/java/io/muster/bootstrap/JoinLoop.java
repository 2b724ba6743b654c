package io.muster.bootstrap;

import io.muster.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Steps a {@link JoinFlow} until done, failed, or out of time. */
public final class JoinLoop {
  private final JoinFlow flow;
  private final Clock clock;
  private final Sleeper sleeper;

  public JoinLoop(JoinFlow flow, Clock clock, Sleeper sleeper) {
    this.flow = flow;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  public StepResult run(Duration timeout) throws InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      StepResult r = flow.step();
      if (!(r instanceof StepResult.Retry retry)) {
        return r;
      }
      Instant next = clock.instant().plus(retry.after());
      if (next.isAfter(deadline)) {
        return new StepResult.Failed(
            "gave up after "
                + io.muster.config.Durations.format(timeout)
                + " (join.timeout / --timeout); last: "
                + r.message());
      }
      sleeper.sleep(retry.after());
    }
  }
}
