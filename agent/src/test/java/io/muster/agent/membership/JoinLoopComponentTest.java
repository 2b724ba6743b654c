package io.muster.agent.membership;

import static io.muster.agent.membership.Pacings.CAP;
import static io.muster.agent.membership.Pacings.CHECK;
import static io.muster.agent.membership.Pacings.POLL;
import static org.assertj.core.api.Assertions.assertThat;

import io.muster.agent.testing.CapturedLogs;
import io.muster.bootstrap.StepResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoinLoopComponentTest {
  final Deque<StepResult> results = new ArrayDeque<>();

  JoinLoopComponent joinLoop(boolean follower) {
    return new JoinLoopComponent(results::remove, Pacings.unjittered(), follower);
  }

  @Test
  void logsAFailureAndAChangeAsTheAgentAlwaysHasAndNothingElse() {
    results.addAll(
        List.of(
            new StepResult.Retry(Duration.ofSeconds(3), "waiting: view not stable"),
            new StepResult.Failed("the cluster rejected the cookie"),
            new StepResult.Done("joined prod generation 1 through 10.0.0.9", true),
            new StepResult.Done("already a member", false)));
    JoinLoopComponent loop = joinLoop(false);

    try (CapturedLogs logs = CapturedLogs.of("agent")) {
      List<Duration> waits = List.of(loop.step(), loop.step(), loop.step(), loop.step());

      assertThat(waits).containsExactly(Duration.ofSeconds(3), CAP, CHECK, CHECK);
      assertThat(logs.lines())
          .containsExactly(
              "ERROR the cluster rejected the cookie; retrying later",
              "INFO joined prod generation 1 through 10.0.0.9",
              // A member's periodic re-check is quiet: debug only.
              "DEBUG already a member");
    }
  }

  @Test
  void isAMemberExactlyWhileTheLastStepFoundOne() {
    results.addAll(
        List.of(
            new StepResult.Retry(Duration.ofSeconds(3), "waiting: seed"),
            new StepResult.Done("joined", true),
            new StepResult.Retry(Duration.ofSeconds(3), "rejoining"),
            new StepResult.Done("already a member", false),
            new StepResult.Failed("bad cookie")));
    JoinLoopComponent loop = joinLoop(false);
    assertThat(loop.member()).as("before the first step").isFalse();

    boolean[] seen = new boolean[5];
    for (int i = 0; i < seen.length; i++) {
      loop.step();
      seen[i] = loop.member();
    }

    assertThat(seen).containsExactly(false, true, false, true, false);
  }

  @Test
  void aMemberWhoseAdapterAlsoFollowsStepsEveryPoll() {
    results.add(new StepResult.Done("already a member", false));

    assertThat(joinLoop(true).step()).isEqualTo(POLL);
  }
}
