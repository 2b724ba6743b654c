package io.muster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.lifecycle.CompletionPolicy.Accepted;
import io.muster.lifecycle.CompletionPolicy.Failed;
import io.muster.lifecycle.CompletionPolicy.Gone;
import io.muster.lifecycle.CompletionPolicy.Retry;
import io.muster.lifecycle.LifecycleActions.Outcome;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompletionPolicyTest {
  private final CompletionPolicy policy =
      new CompletionPolicy(Duration.ofSeconds(5), Duration.ofMinutes(10));
  private static final Optional<Outcome> NO_ACTIVE = Optional.of(Outcome.NO_ACTIVE_ACTION);

  @Test
  void acceptedIsDone() {
    assertThat(
            policy.judge(
                LifecycleTransition.LAUNCHING,
                Optional.of(Outcome.ACCEPTED),
                null,
                null,
                Duration.ZERO))
        .isInstanceOf(Accepted.class);
  }

  @Test
  void noActiveActionWhileTheApiHasNotCaughtUpIsRetriedEveryFiveSeconds() {
    for (String state : new String[] {"Terminating", "Terminating:Wait", "InService"}) {
      var v =
          policy.judge(
              LifecycleTransition.TERMINATING,
              NO_ACTIVE,
              null,
              Optional.of(state),
              Duration.ofMinutes(1));
      assertThat(v).as(state).isInstanceOf(Retry.class);
      assertThat(((Retry) v).after()).isEqualTo(Duration.ofSeconds(5));
    }
  }

  @Test
  void noActiveActionOnceTheApiShowsItAnsweredIsGone() {
    assertThat(
            policy.judge(
                LifecycleTransition.TERMINATING,
                NO_ACTIVE,
                null,
                Optional.of("Terminating:Proceed"),
                Duration.ZERO))
        .isInstanceOf(Gone.class);
    assertThat(
            policy.judge(
                LifecycleTransition.LAUNCHING,
                NO_ACTIVE,
                null,
                Optional.of("InService"),
                Duration.ZERO))
        .isInstanceOf(Gone.class);
    assertThat(
            policy.judge(
                LifecycleTransition.LAUNCHING, NO_ACTIVE, null, Optional.empty(), Duration.ZERO))
        .isInstanceOf(Gone.class);
  }

  @Test
  void launchStillPendingIsRetried() {
    assertThat(
            policy.judge(
                LifecycleTransition.LAUNCHING,
                NO_ACTIVE,
                null,
                Optional.of("Pending:Wait"),
                Duration.ZERO))
        .isInstanceOf(Retry.class);
    assertThat(
            policy.judge(
                LifecycleTransition.LAUNCHING,
                NO_ACTIVE,
                null,
                Optional.of("Warmed:Pending:Wait"),
                Duration.ZERO))
        .isInstanceOf(Retry.class);
  }

  @Test
  void afterTheBudgetNoActiveActionIsGoneAndErrorsFail() {
    assertThat(
            policy.judge(
                LifecycleTransition.TERMINATING,
                NO_ACTIVE,
                null,
                Optional.of("Terminating:Wait"),
                Duration.ofMinutes(10)))
        .isInstanceOf(Gone.class);
    assertThat(
            policy.judge(
                LifecycleTransition.TERMINATING,
                Optional.empty(),
                new LifecycleException("throttled", true, null),
                null,
                Duration.ofMinutes(10)))
        .isInstanceOf(Failed.class);
  }

  @Test
  void retryableErrorsAreRetriedAndOthersFailAtOnce() {
    assertThat(
            policy.judge(
                LifecycleTransition.TERMINATING,
                Optional.empty(),
                new LifecycleException("503", true, null),
                null,
                Duration.ZERO))
        .isInstanceOf(Retry.class);
    var denied =
        policy.judge(
            LifecycleTransition.TERMINATING,
            Optional.empty(),
            new LifecycleException("autoscaling:CompleteLifecycleAction was denied", false, null),
            null,
            Duration.ZERO);
    assertThat(denied).isInstanceOf(Failed.class);
    assertThat(((Failed) denied).why()).contains("denied");
  }
}
