package io.muster.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.agent.observe.Readiness.StepOutcome;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  static Readiness.Facts joining(StepOutcome outcome, String message, boolean stepping, String d) {
    return new Readiness.Facts(
        Optional.empty(), false, true, outcome, message, stepping, d, 3, false);
  }

  @Test
  void aVerifiedMemberIsReady() {
    Readiness r = Readiness.of(joining(StepOutcome.MEMBER, "already a member", false, null));

    assertThat(r.ready()).isTrue();
    assertThat(r.reason()).isEqualTo("member of generation 3");
    assertThat(r.checks())
        .extracting(Readiness.Check::name, Readiness.Check::ok)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("loop", true),
            org.assertj.core.groups.Tuple.tuple("shutdown", true),
            org.assertj.core.groups.Tuple.tuple("member", true));
  }

  @Test
  void notReadyNamesWhy() {
    assertThat(Readiness.of(joining(StepOutcome.NONE, null, false, null)).reason())
        .isEqualTo("starting: no join step has finished yet");
    assertThat(
            Readiness.of(
                    joining(
                        StepOutcome.WAITING,
                        "waiting: the view changed 3s ago; stable after 10s",
                        false,
                        "wait"))
                .reason())
        .isEqualTo("waiting: the view changed 3s ago; stable after 10s");
    assertThat(
            Readiness.of(joining(StepOutcome.WAITING, "waiting: claimed", true, "join")).reason())
        .as("a join step in progress")
        .isEqualTo("joining");
    assertThat(Readiness.of(joining(StepOutcome.NONE, null, true, "form")).reason())
        .isEqualTo("forming");
    assertThat(
            Readiness.of(joining(StepOutcome.FAILED, "exec: join script exited 2", false, "join"))
                .reason())
        .isEqualTo("failed: exec: join script exited 2");
  }

  @Test
  void aStoppingMemberIsNotReadyAnyMore() {
    Readiness r =
        Readiness.of(
            new Readiness.Facts(
                Optional.empty(), true, true, StepOutcome.MEMBER, "ok", false, null, 3, false));

    assertThat(r.ready()).isFalse();
    assertThat(r.reason()).isEqualTo("leaving: the agent is stopping");
  }

  @Test
  void aStuckLoopIsNotReadyEvenAsAMember() {
    Readiness r =
        Readiness.of(
            new Readiness.Facts(
                Optional.of("the join loop step has been running for 6m"),
                false,
                true,
                StepOutcome.MEMBER,
                "ok",
                true,
                null,
                3,
                false));

    assertThat(r.ready()).isFalse();
    assertThat(r.reason()).isEqualTo("the join loop step has been running for 6m");
  }

  @Test
  void aPureFollowerIsReadyOnceItAppliedTheMembership() {
    Readiness.Facts before =
        new Readiness.Facts(
            Optional.empty(), false, false, StepOutcome.NONE, null, false, null, 0, false);
    Readiness.Facts after =
        new Readiness.Facts(
            Optional.empty(), false, false, StepOutcome.NONE, null, false, null, 0, true);

    assertThat(Readiness.of(before).ready()).isFalse();
    assertThat(Readiness.of(before).reason())
        .isEqualTo("waiting to apply the membership for the first time");
    assertThat(Readiness.of(after).ready()).isTrue();
  }
}
