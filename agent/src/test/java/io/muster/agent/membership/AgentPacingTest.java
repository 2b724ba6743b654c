package io.muster.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.bootstrap.StepResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How long `muster agent` sleeps between steps: a member of a large fleet must not poll the store.
 */
class AgentPacingTest {
  static final Duration POLL = Duration.ofSeconds(5);
  static final Duration CHECK = Duration.ofSeconds(60);
  static final Duration CAP = Duration.ofSeconds(60);

  @Test
  void aMemberRechecksEveryCheckIntervalNotEveryPoll() {
    StepResult done = new StepResult.Done("already a member", false);
    assertThat(AgentPacing.nextWait(done, false, POLL, CHECK, CAP)).isEqualTo(CHECK);
  }

  @Test
  void aMemberThatAlsoFollowsMembershipKeepsPollingEveryInterval() {
    StepResult done = new StepResult.Done("already a member", false);
    assertThat(AgentPacing.nextWait(done, true, POLL, CHECK, CAP)).isEqualTo(POLL);
  }

  @Test
  void aWaitingNodeSleepsWhatTheFlowAskedAndAFailureBacksOffToTheCap() {
    StepResult.Retry retry = new StepResult.Retry(Duration.ofMillis(1234), "waiting: seed");
    assertThat(AgentPacing.nextWait(retry, false, POLL, CHECK, CAP))
        .isEqualTo(Duration.ofMillis(1234));
    assertThat(AgentPacing.nextWait(new StepResult.Failed("bad cookie"), false, POLL, CHECK, CAP))
        .isEqualTo(CAP);
  }

  @Test
  void aCheckIntervalShorterThanThePollIsThePoll() {
    StepResult done = new StepResult.Done("already a member", false);
    assertThat(AgentPacing.nextWait(done, false, POLL, Duration.ofSeconds(2), CAP)).isEqualTo(POLL);
  }
}
