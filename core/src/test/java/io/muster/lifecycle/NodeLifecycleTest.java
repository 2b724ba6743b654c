package io.muster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.lifecycle.InFlight.Kind;
import io.muster.lifecycle.NodeLifecycle.Begin;
import io.muster.lifecycle.NodeLifecycle.Complete;
import io.muster.lifecycle.NodeLifecycle.Decision;
import io.muster.lifecycle.NodeLifecycle.Finish;
import io.muster.lifecycle.NodeLifecycle.LeaveStatus;
import io.muster.lifecycle.NodeLifecycle.Snapshot;
import io.muster.lifecycle.NodeLifecycle.StartLeave;
import io.muster.lifecycle.NodeLifecycle.Wait;
import io.muster.testing.ManualClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The on-node lifecycle state machine, step by step, on a manual clock. */
class NodeLifecycleTest {
  private final ManualClock clock = new ManualClock();

  private static NodeLifecycle machine(
      Optional<String> launch, Optional<String> terminate, Optional<LifecycleResult> drainFailure) {
    return new NodeLifecycle(
        new NodeLifecycle.Config(
            "web",
            "i-1",
            launch,
            terminate,
            Duration.ofMinutes(10),
            Duration.ofMinutes(5),
            LifecycleResult.ABANDON,
            drainFailure,
            false));
  }

  private final NodeLifecycle both =
      machine(Optional.of("launch"), Optional.of("drain"), Optional.of(LifecycleResult.CONTINUE));

  private Snapshot snap(TargetState t, Optional<InFlight> work, boolean member, LeaveStatus leave) {
    return new Snapshot(t, false, false, work, member, leave, "", clock.instant());
  }

  private static InFlight begun(Decision d) {
    assertThat(d).isInstanceOf(Begin.class);
    return ((Begin) d).work();
  }

  @Test
  void launchIsAnsweredContinueOnlyOnceTheNodeIsAVerifiedMember() {
    InFlight w =
        begun(
            both.decide(
                snap(TargetState.IN_SERVICE, Optional.empty(), false, LeaveStatus.NOT_STARTED)));
    assertThat(w.kind()).isEqualTo(Kind.LAUNCH);
    assertThat(w.action().orElseThrow().hookName()).isEqualTo("launch");
    assertThat(w.action().orElseThrow().transition()).isEqualTo(LifecycleTransition.LAUNCHING);

    clock.advance(Duration.ofMinutes(3));
    assertThat(
            both.decide(
                snap(TargetState.IN_SERVICE, Optional.of(w), false, LeaveStatus.NOT_STARTED)))
        .isInstanceOf(Wait.class);
    assertThat(
            both.decide(
                snap(TargetState.IN_SERVICE, Optional.of(w), true, LeaveStatus.NOT_STARTED)))
        .isEqualTo(new Complete(LifecycleResult.CONTINUE, "a verified member of the cluster"));
  }

  @Test
  void aLaunchThatIsNoMemberAtJoinTimeoutGetsTheFailureResult() {
    InFlight w =
        begun(
            both.decide(
                snap(TargetState.IN_SERVICE, Optional.empty(), false, LeaveStatus.NOT_STARTED)));
    clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    assertThat(
            both.decide(
                snap(TargetState.IN_SERVICE, Optional.of(w), false, LeaveStatus.NOT_STARTED)))
        .isInstanceOf(Wait.class);
    clock.advance(Duration.ofSeconds(1));
    Decision d =
        both.decide(snap(TargetState.IN_SERVICE, Optional.of(w), false, LeaveStatus.NOT_STARTED));
    assertThat(d).isInstanceOf(Complete.class);
    assertThat(((Complete) d).result()).isEqualTo(LifecycleResult.ABANDON);
    assertThat(((Complete) d).why()).contains("join.timeout");

    InFlight abandoned = w.completing(LifecycleResult.ABANDON, "join.timeout");
    assertThat(
            NodeLifecycle.mayJoin(
                snap(
                    TargetState.IN_SERVICE, Optional.of(abandoned), false, LeaveStatus.NOT_STARTED),
                true))
        .as("an instance being replaced does not join any more")
        .isFalse();
  }

  @Test
  void anAnsweredLaunchIsNeverBegunAgain() {
    InFlight w =
        begun(
            both.decide(
                snap(TargetState.IN_SERVICE, Optional.empty(), true, LeaveStatus.NOT_STARTED)));
    InFlight done = w.completing(LifecycleResult.CONTINUE, "member").done("answered");
    assertThat(
            both.decide(
                snap(TargetState.IN_SERVICE, Optional.of(done), true, LeaveStatus.NOT_STARTED)))
        .isInstanceOf(Wait.class);
  }

  @Test
  void aCompletionInProgressIsResumedAsItWas() {
    InFlight w =
        begun(
                both.decide(
                    snap(TargetState.IN_SERVICE, Optional.empty(), true, LeaveStatus.NOT_STARTED)))
            .completing(LifecycleResult.ABANDON, "timed out");
    assertThat(
            both.decide(
                snap(TargetState.IN_SERVICE, Optional.of(w), true, LeaveStatus.NOT_STARTED)))
        .isEqualTo(new Complete(LifecycleResult.ABANDON, "timed out"));
  }

  @Test
  void theWarmPoolNeverJoinsButItsLaunchHookIsAnswered() {
    Snapshot warm = snap(TargetState.WARMED, Optional.empty(), false, LeaveStatus.NOT_STARTED);
    assertThat(NodeLifecycle.mayJoin(warm, true)).isFalse();
    InFlight w = begun(both.decide(warm));
    assertThat(w.context()).isEqualTo("warmed");
    Decision d =
        both.decide(snap(TargetState.WARMED, Optional.of(w), false, LeaveStatus.NOT_STARTED));
    assertThat(d).isInstanceOf(Complete.class);
    assertThat(((Complete) d).result()).isEqualTo(LifecycleResult.CONTINUE);

    // Out of the warm pool into service: a new launch action, gated on membership again.
    InFlight warmDone = w.completing(LifecycleResult.CONTINUE, "warm").done("answered");
    Snapshot inService =
        snap(TargetState.IN_SERVICE, Optional.of(warmDone), false, LeaveStatus.NOT_STARTED);
    assertThat(NodeLifecycle.mayJoin(inService, true)).isTrue();
    assertThat(begun(both.decide(inService)).context()).isEqualTo("in-service");
  }

  @Test
  void nothingJoinsBeforeTheTargetStateWasReadOnce() {
    Snapshot s = snap(TargetState.UNKNOWN, Optional.empty(), false, LeaveStatus.NOT_STARTED);
    assertThat(NodeLifecycle.mayJoin(s, false)).isFalse();
    assertThat(NodeLifecycle.mayJoin(s, true)).isTrue();
  }

  @Test
  void terminateLeavesThenAnswersContinue() {
    Snapshot t = snap(TargetState.TERMINATED, Optional.empty(), true, LeaveStatus.NOT_STARTED);
    assertThat(NodeLifecycle.mayJoin(t, true)).isFalse();
    assertThat(NodeLifecycle.mayFollow(t)).isFalse();
    InFlight w = begun(both.decide(t));
    assertThat(w.kind()).isEqualTo(Kind.TERMINATE);
    assertThat(w.action().orElseThrow().transition()).isEqualTo(LifecycleTransition.TERMINATING);

    assertThat(
            both.decide(
                snap(TargetState.TERMINATED, Optional.of(w), true, LeaveStatus.NOT_STARTED)))
        .isInstanceOf(StartLeave.class);
    assertThat(both.decide(snap(TargetState.TERMINATED, Optional.of(w), true, LeaveStatus.RUNNING)))
        .isInstanceOf(Wait.class);
    Decision d =
        both.decide(snap(TargetState.TERMINATED, Optional.of(w), false, LeaveStatus.SUCCEEDED));
    assertThat(d)
        .isEqualTo(new Complete(LifecycleResult.CONTINUE, "left the cluster and deregistered"));
  }

  @Test
  void aTerminateDuringALaunchReplacesIt() {
    InFlight launch =
        begun(
            both.decide(
                snap(TargetState.IN_SERVICE, Optional.empty(), false, LeaveStatus.NOT_STARTED)));
    InFlight t =
        begun(
            both.decide(
                snap(TargetState.TERMINATED, Optional.of(launch), false, LeaveStatus.NOT_STARTED)));
    assertThat(t.kind()).isEqualTo(Kind.TERMINATE);
  }

  @Test
  void aDrainThatOverrunsIsStillAnsweredWithTheConfiguredResult() {
    InFlight w =
        begun(
            both.decide(
                snap(TargetState.TERMINATED, Optional.empty(), true, LeaveStatus.NOT_STARTED)));
    clock.advance(Duration.ofMinutes(5));
    Decision d =
        both.decide(snap(TargetState.TERMINATED, Optional.of(w), true, LeaveStatus.RUNNING));
    assertThat(d).isInstanceOf(Complete.class);
    assertThat(((Complete) d).result()).isEqualTo(LifecycleResult.CONTINUE);
    assertThat(((Complete) d).why()).contains("lifecycle.drain-timeout");
  }

  @Test
  void aFailedLeaveIsAnsweredOrLeftToTheHookTimeoutAsConfigured() {
    NodeLifecycle abandon =
        machine(Optional.empty(), Optional.of("drain"), Optional.of(LifecycleResult.ABANDON));
    NodeLifecycle none = machine(Optional.empty(), Optional.of("drain"), Optional.empty());
    InFlight w =
        begun(
            abandon.decide(
                snap(TargetState.TERMINATED, Optional.empty(), true, LeaveStatus.NOT_STARTED)));
    Snapshot failed =
        new Snapshot(
            TargetState.TERMINATED,
            false,
            false,
            Optional.of(w),
            true,
            LeaveStatus.FAILED,
            "quorum",
            clock.instant());

    assertThat(abandon.decide(failed))
        .isEqualTo(new Complete(LifecycleResult.ABANDON, "the leave failed: quorum"));
    assertThat(none.decide(failed)).isInstanceOf(Finish.class);
    assertThat(((Finish) none.decide(failed)).why()).contains("none");
  }

  @Test
  void withoutATerminateHookTheNodeStillLeavesButAnswersNothing() {
    NodeLifecycle noHooks =
        machine(Optional.empty(), Optional.empty(), Optional.of(LifecycleResult.CONTINUE));
    InFlight w =
        begun(
            noHooks.decide(
                snap(TargetState.TERMINATED, Optional.empty(), true, LeaveStatus.NOT_STARTED)));
    assertThat(w.action()).isEmpty();
    assertThat(
            noHooks.decide(
                snap(TargetState.TERMINATED, Optional.of(w), false, LeaveStatus.SUCCEEDED)))
        .isInstanceOf(Finish.class);
    assertThat(
            noHooks.decide(
                snap(TargetState.IN_SERVICE, Optional.empty(), false, LeaveStatus.NOT_STARTED)))
        .isInstanceOf(Wait.class);
  }

  @Test
  void aSpotNoticeLeavesAndALaterTerminateIsStillAnswered() {
    Snapshot spot =
        new Snapshot(
            TargetState.IN_SERVICE,
            true,
            false,
            Optional.empty(),
            true,
            LeaveStatus.NOT_STARTED,
            "",
            clock.instant());
    assertThat(NodeLifecycle.mayJoin(spot, true)).isFalse();
    InFlight w = begun(both.decide(spot));
    assertThat(w.kind()).isEqualTo(Kind.SPOT);
    assertThat(w.action()).isEmpty();
    InFlight left = w.done("left");

    Snapshot stillSpot =
        new Snapshot(
            TargetState.IN_SERVICE,
            true,
            false,
            Optional.of(left),
            false,
            LeaveStatus.NOT_STARTED,
            "",
            clock.instant());
    assertThat(both.decide(stillSpot)).isInstanceOf(Wait.class);
    assertThat(NodeLifecycle.mayJoin(stillSpot, true)).isFalse();

    InFlight t =
        begun(
            both.decide(
                snap(TargetState.TERMINATED, Optional.of(left), false, LeaveStatus.NOT_STARTED)));
    assertThat(t.kind()).isEqualTo(Kind.TERMINATE);
    assertThat(t.action()).isPresent();
  }

  @Test
  void aRebalanceRecommendationLeavesOnlyWhenConfigured() {
    Snapshot rebalance =
        new Snapshot(
            TargetState.IN_SERVICE,
            false,
            true,
            Optional.empty(),
            true,
            LeaveStatus.NOT_STARTED,
            "",
            clock.instant());
    NodeLifecycle leaves =
        new NodeLifecycle(
            new NodeLifecycle.Config(
                "web",
                "i-1",
                Optional.empty(),
                Optional.empty(),
                Duration.ofMinutes(10),
                Duration.ofMinutes(5),
                LifecycleResult.ABANDON,
                Optional.empty(),
                true));
    NodeLifecycle stays = machine(Optional.empty(), Optional.empty(), Optional.empty());

    assertThat(begun(leaves.decide(rebalance)).kind()).isEqualTo(Kind.SPOT);
    assertThat(stays.decide(rebalance)).isInstanceOf(Wait.class);
  }

  // --- the agent being stopped (lifecycle.on-stop)

  private InFlight launchBegun() {
    return begun(
        both.decide(
            snap(TargetState.IN_SERVICE, Optional.empty(), false, LeaveStatus.NOT_STARTED)));
  }

  private InFlight terminateBegun() {
    return begun(
        both.decide(snap(TargetState.TERMINATED, Optional.empty(), true, LeaveStatus.NOT_STARTED)));
  }

  @Test
  void aLaunchInProgressIsAnsweredWithTheLaunchFailureResultWhenTheAgentStops() {
    InFlight w = launchBegun();
    clock.advance(Duration.ofMinutes(1));
    Decision d =
        both.stopping(
            snap(TargetState.IN_SERVICE, Optional.of(w), false, LeaveStatus.NOT_STARTED),
            NodeLifecycle.OnStop.ANSWER,
            false);
    assertThat(d).isInstanceOf(Complete.class);
    assertThat(((Complete) d).result()).isEqualTo(LifecycleResult.ABANDON);
    assertThat(((Complete) d).why()).contains("stopped before the node was a verified member");

    NodeLifecycle continuing =
        new NodeLifecycle(
            new NodeLifecycle.Config(
                "web",
                "i-1",
                Optional.of("launch"),
                Optional.empty(),
                Duration.ofMinutes(10),
                Duration.ofMinutes(5),
                LifecycleResult.CONTINUE,
                Optional.empty(),
                false));
    assertThat(
            ((Complete)
                    continuing.stopping(
                        snap(
                            TargetState.IN_SERVICE, Optional.of(w), false, LeaveStatus.NOT_STARTED),
                        NodeLifecycle.OnStop.ANSWER,
                        false))
                .result())
        .isEqualTo(LifecycleResult.CONTINUE);
  }

  @Test
  void withOnStopKeepTheWorkIsLeftForTheNextStartButADecidedAnswerIsStillSent() {
    InFlight w = launchBegun();
    assertThat(
            both.stopping(
                snap(TargetState.IN_SERVICE, Optional.of(w), false, LeaveStatus.NOT_STARTED),
                NodeLifecycle.OnStop.KEEP,
                false))
        .isInstanceOf(Wait.class);
    InFlight t = terminateBegun();
    assertThat(
            both.stopping(
                snap(TargetState.TERMINATED, Optional.of(t), true, LeaveStatus.RUNNING),
                NodeLifecycle.OnStop.KEEP,
                true))
        .isInstanceOf(Wait.class);
    InFlight decided = w.completing(LifecycleResult.CONTINUE, "a verified member of the cluster");
    assertThat(
            both.stopping(
                snap(TargetState.IN_SERVICE, Optional.of(decided), true, LeaveStatus.NOT_STARTED),
                NodeLifecycle.OnStop.KEEP,
                false))
        .isEqualTo(new Complete(LifecycleResult.CONTINUE, "a verified member of the cluster"));
  }

  @Test
  void finishedWorkIsNeverAnsweredAgainOnStop() {
    InFlight done = launchBegun().completing(LifecycleResult.CONTINUE, "member").done("answered");
    assertThat(
            both.stopping(
                snap(TargetState.IN_SERVICE, Optional.of(done), true, LeaveStatus.NOT_STARTED),
                NodeLifecycle.OnStop.ANSWER,
                false))
        .isInstanceOf(Wait.class);
    assertThat(
            both.stopping(
                snap(TargetState.IN_SERVICE, Optional.empty(), true, LeaveStatus.NOT_STARTED),
                NodeLifecycle.OnStop.ANSWER,
                false))
        .isInstanceOf(Wait.class);
  }

  @Test
  void aWarmPoolLaunchIsAnsweredContinueOnStop() {
    InFlight w =
        begun(
            both.decide(
                snap(TargetState.WARMED, Optional.empty(), false, LeaveStatus.NOT_STARTED)));
    Decision d =
        both.stopping(
            snap(TargetState.WARMED, Optional.of(w), false, LeaveStatus.NOT_STARTED),
            NodeLifecycle.OnStop.ANSWER,
            false);
    assertThat(((Complete) d).result()).isEqualTo(LifecycleResult.CONTINUE);
  }

  @Test
  void aTerminateWaitsForItsLeaveThenAnswersByHowTheLeaveWent() {
    InFlight t = terminateBegun();
    clock.advance(Duration.ofSeconds(20));
    assertThat(
            both.stopping(
                snap(TargetState.TERMINATED, Optional.of(t), true, LeaveStatus.RUNNING),
                NodeLifecycle.OnStop.ANSWER,
                false))
        .isInstanceOf(NodeLifecycle.AwaitLeave.class);
    assertThat(
            both.stopping(
                snap(TargetState.TERMINATED, Optional.of(t), false, LeaveStatus.SUCCEEDED),
                NodeLifecycle.OnStop.ANSWER,
                false))
        .isEqualTo(new Complete(LifecycleResult.CONTINUE, "left the cluster and deregistered"));
    assertThat(
            both.stopping(
                snap(TargetState.TERMINATED, Optional.of(t), true, LeaveStatus.RUNNING),
                NodeLifecycle.OnStop.ANSWER,
                true))
        .isEqualTo(new Complete(LifecycleResult.CONTINUE, "the agent was stopped while leaving"));

    // Past drain-timeout there is nothing to wait for, whatever the stop's budget.
    clock.advance(Duration.ofMinutes(5));
    assertThat(
            both.stopping(
                snap(TargetState.TERMINATED, Optional.of(t), true, LeaveStatus.RUNNING),
                NodeLifecycle.OnStop.ANSWER,
                false))
        .isInstanceOf(Complete.class);

    NodeLifecycle noAnswer = machine(Optional.empty(), Optional.of("drain"), Optional.empty());
    assertThat(
            noAnswer.stopping(
                snap(TargetState.TERMINATED, Optional.of(t), true, LeaveStatus.FAILED),
                NodeLifecycle.OnStop.ANSWER,
                false))
        .isInstanceOf(Finish.class);
  }

  @Test
  void aSpotLeaveCutShortByTheStopIsKeptForTheNextStartNotFinished() {
    InFlight spot =
        begun(
            both.decide(
                new Snapshot(
                    TargetState.IN_SERVICE,
                    true,
                    false,
                    Optional.empty(),
                    true,
                    LeaveStatus.NOT_STARTED,
                    "",
                    clock.instant())));
    assertThat(spot.kind()).isEqualTo(Kind.SPOT);
    assertThat(
            both.stopping(
                snap(TargetState.IN_SERVICE, Optional.of(spot), true, LeaveStatus.RUNNING),
                NodeLifecycle.OnStop.ANSWER,
                true))
        .isInstanceOf(Wait.class);
    assertThat(
            both.stopping(
                snap(TargetState.IN_SERVICE, Optional.of(spot), false, LeaveStatus.SUCCEEDED),
                NodeLifecycle.OnStop.ANSWER,
                false))
        .isInstanceOf(Finish.class);
  }
}
