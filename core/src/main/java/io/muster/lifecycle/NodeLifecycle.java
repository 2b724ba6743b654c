package io.muster.lifecycle;

import io.muster.lifecycle.InFlight.Kind;
import io.muster.lifecycle.InFlight.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The on-node lifecycle state machine, as a pure function: given what the node sees now (the target
 * lifecycle state, spot notices, its membership, how its leave is going, the work in progress), it
 * decides the next thing to do. The agent's lifecycle component performs the decision (join gate,
 * leave, heartbeat, complete) and records the work in {@code state.dir}.
 *
 * <pre>
 *   target InService (or 404), launch hook set ─► LAUNCH/WORKING ─ member ─► COMPLETING(CONTINUE) ─► DONE
 *                                                        └─ join.timeout ─► COMPLETING(launch-failure-result)
 *   target Warmed:*, launch hook set ─► LAUNCH/WORKING(warmed) ─► COMPLETING(CONTINUE), never joining
 *   target Terminated ─► TERMINATE/WORKING: leave ─ left ─► COMPLETING(CONTINUE) ─► DONE
 *                                          └─ failed or drain-timeout ─► COMPLETING(drain-failure-result) | DONE
 *   spot instance-action (or rebalance, when configured) ─► SPOT/WORKING: leave ─► DONE (no hook)
 * </pre>
 *
 * A node whose work leaves the cluster never joins again; a node in the warm pool never joins.
 */
public final class NodeLifecycle {

  /**
   * What the machine needs to know about this node's configuration.
   *
   * @param groupName the Auto Scaling group
   * @param instanceId this instance
   * @param launchHook the launch hook to answer, if any
   * @param terminateHook the terminate hook to answer, if any
   * @param joinTimeout how long a launch may take to become a member
   * @param drainTimeout how long a leave may take
   * @param launchFailureResult the answer when the launch did not become a member in time
   * @param drainFailureResult the answer when the leave failed or overran; empty = do not answer
   *     (the hook times out with its default result)
   * @param leaveOnRebalance whether a rebalance recommendation leaves too
   */
  public record Config(
      String groupName,
      String instanceId,
      Optional<String> launchHook,
      Optional<String> terminateHook,
      Duration joinTimeout,
      Duration drainTimeout,
      LifecycleResult launchFailureResult,
      Optional<LifecycleResult> drainFailureResult,
      boolean leaveOnRebalance) {}

  /** How the node's leave is going. */
  public enum LeaveStatus {
    NOT_STARTED,
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  /**
   * What the node sees now.
   *
   * @param target the target lifecycle state from instance metadata
   * @param spotInterruption whether {@code spot/instance-action} announces a stop or termination
   * @param rebalance whether a rebalance recommendation is present
   * @param member whether the join loop last found this node a verified member
   * @param leave how the leave started for the work in progress is going
   * @param leaveError what the failed leave said
   */
  public record Snapshot(
      TargetState target,
      boolean spotInterruption,
      boolean rebalance,
      Optional<InFlight> work,
      boolean member,
      LeaveStatus leave,
      String leaveError,
      Instant now) {}

  /** The next thing to do. */
  public sealed interface Decision {}

  /** Nothing to do now. */
  public record Wait(String why) implements Decision {}

  /** The agent is stopping and the leave is still running: wait for it (a bounded wait). */
  public record AwaitLeave(String why) implements Decision {}

  /** Record new work (and, when it leaves, start the leave). */
  public record Begin(InFlight work) implements Decision {}

  /** Start (or, after a restart, restart) the leave of the work in progress. */
  public record StartLeave() implements Decision {}

  /** Answer the work's hook with {@code result}. */
  public record Complete(LifecycleResult result, String why) implements Decision {}

  /** The work is finished without an answer (nothing to answer, or configured not to). */
  public record Finish(String why) implements Decision {}

  private final Config config;

  public NodeLifecycle(Config config) {
    this.config = config;
  }

  public Config config() {
    return config;
  }

  /**
   * Whether the join loop may run now: not in (or going to) the warm pool, not terminating, not
   * leaving for a spot notice, not after the launch was answered ABANDON, and not before the target
   * state was read once.
   */
  public static boolean mayJoin(Snapshot s, boolean observed) {
    if (!observed) {
      return false;
    }
    if (s.target() == TargetState.WARMED || s.target() == TargetState.TERMINATED) {
      return false;
    }
    return s.work().map(w -> !w.leaves() && !abandoned(w)).orElse(true) && !s.spotInterruption();
  }

  /** A launch answered ABANDON: Auto Scaling replaces the instance, so it must not join now. */
  private static boolean abandoned(InFlight w) {
    return w.kind() == Kind.LAUNCH
        && w.phase() != Phase.WORKING
        && w.result().equals(Optional.of(LifecycleResult.ABANDON));
  }

  /** Whether membership may still be followed: not once the node leaves. */
  public static boolean mayFollow(Snapshot s) {
    return s.target() != TargetState.TERMINATED
        && s.work().map(w -> !w.leaves()).orElse(true)
        && !s.spotInterruption();
  }

  public Decision decide(Snapshot s) {
    Optional<InFlight> work = s.work();
    if (work.isPresent() && work.get().phase() == Phase.COMPLETING) {
      InFlight w = work.get();
      return new Complete(w.result().orElseThrow(), w.reason());
    }
    if (work.isPresent() && work.get().leaves()) {
      InFlight w = work.get();
      if (w.phase() == Phase.WORKING) {
        return leaving(w, s);
      }
      // DONE: left. A terminate that follows a spot leave still has its hook to answer.
      if (w.kind() == Kind.SPOT && s.target() == TargetState.TERMINATED) {
        return beginTerminate(s.now(), "the instance is terminating (after the spot notice)");
      }
      return new Wait("left the cluster: " + w.reason());
    }
    if (s.target() == TargetState.TERMINATED) {
      return beginTerminate(s.now(), "the target lifecycle state is Terminated");
    }
    if (s.spotInterruption() || (s.rebalance() && config.leaveOnRebalance())) {
      String why =
          s.spotInterruption()
              ? "a spot interruption notice"
              : "a rebalance recommendation (lifecycle.leave-on-rebalance)";
      return new Begin(InFlight.begin(Kind.SPOT, Optional.empty(), s.now(), "spot", why));
    }
    if (work.isPresent()
        && work.get().kind() == Kind.LAUNCH
        && work.get().phase() == Phase.WORKING) {
      return launching(work.get(), s);
    }
    if (config.launchHook().isPresent() && s.target() != TargetState.OTHER) {
      String context = s.target() == TargetState.WARMED ? "warmed" : "in-service";
      boolean answered =
          work.isPresent()
              && work.get().kind() == Kind.LAUNCH
              && work.get().context().equals(context);
      if (!answered) {
        return new Begin(
            InFlight.begin(
                Kind.LAUNCH,
                Optional.of(action(config.launchHook().get(), LifecycleTransition.LAUNCHING)),
                s.now(),
                context,
                context.equals("warmed")
                    ? "launching into the warm pool"
                    : "launching: join, verify, then answer"));
      }
    }
    return new Wait(
        work.map(w -> "nothing to do (" + w.kind() + " " + w.phase() + ")")
            .orElse("nothing to do"));
  }

  /** What a stopped agent does with the work in progress ({@code lifecycle.on-stop}). */
  public enum OnStop {
    /** Answer it now: a launch with the launch failure result, a terminate after its leave. */
    ANSWER,
    /**
     * Keep it in {@code state.dir} for the next start (an answer already decided is still sent).
     */
    KEEP
  }

  /**
   * What to do with the work in progress when the agent is being stopped: the same answers as
   * {@link #decide}, decided now rather than at join.timeout or drain-timeout, since no later step
   * will come. {@link AwaitLeave}: the leave is still running within drain-timeout; the caller
   * waits a bounded time, then asks again with {@code outOfTime}. {@link Wait}: nothing to answer.
   *
   * @param outOfTime whether the stop's budget for waiting on the leave is spent
   */
  public Decision stopping(Snapshot s, OnStop policy, boolean outOfTime) {
    Optional<InFlight> work = s.work();
    if (work.isEmpty() || work.get().phase() == Phase.DONE) {
      return new Wait("nothing in progress");
    }
    InFlight w = work.get();
    if (w.phase() == Phase.COMPLETING) {
      return new Complete(w.result().orElseThrow(), w.reason());
    }
    if (policy == OnStop.KEEP) {
      return new Wait(
          "kept in state.dir for the next start (lifecycle.on-stop: keep); if the agent does not"
              + " come back, the hook's default result applies at its timeout");
    }
    if (w.kind() == Kind.LAUNCH) {
      if (w.context().equals("warmed")) {
        return new Complete(
            LifecycleResult.CONTINUE,
            "in the warm pool: ready, not joined (it joins from service)");
      }
      // Even if the join loop has just found it a member: the agent that keeps it one is stopping.
      return new Complete(
          config.launchFailureResult(),
          "the agent was stopped before the node was a verified member; answering"
              + " lifecycle.launch-failure-result (lifecycle.on-stop: answer)");
    }
    switch (s.leave()) {
      case SUCCEEDED:
        return w.action().isPresent()
            ? new Complete(LifecycleResult.CONTINUE, "left the cluster and deregistered")
            : new Finish("left the cluster and deregistered");
      case FAILED:
        return drainFailed(w, "the leave failed: " + s.leaveError());
      case RUNNING:
        Duration elapsed = Duration.between(w.started(), s.now());
        if (!outOfTime && elapsed.compareTo(config.drainTimeout()) < 0) {
          return new AwaitLeave("the agent is stopping; waiting for the leave to finish");
        }
        return w.action().isPresent()
            ? drainFailed(w, "the agent was stopped while leaving")
            : unfinishedLeave();
      case NOT_STARTED:
      default:
        return w.action().isPresent()
            ? drainFailed(w, "the agent was stopped before leaving")
            : unfinishedLeave();
    }
  }

  /** A leave no hook waits for (spot, or no terminate hook): the next start resumes it. */
  private static Decision unfinishedLeave() {
    return new Wait("kept in state.dir: the next start resumes the leave (no hook waits for it)");
  }

  private Decision launching(InFlight w, Snapshot s) {
    if (w.context().equals("warmed")) {
      return new Complete(
          LifecycleResult.CONTINUE, "in the warm pool: ready, not joined (it joins from service)");
    }
    if (s.member()) {
      return new Complete(LifecycleResult.CONTINUE, "a verified member of the cluster");
    }
    Duration elapsed = Duration.between(w.started(), s.now());
    if (elapsed.compareTo(config.joinTimeout()) >= 0) {
      return new Complete(
          config.launchFailureResult(),
          "not a member after join.timeout ("
              + config.joinTimeout().toSeconds()
              + " s); answering lifecycle.launch-failure-result");
    }
    return new Wait(
        "joining (" + elapsed.toSeconds() + " s of " + config.joinTimeout().toSeconds() + " s)");
  }

  private Decision leaving(InFlight w, Snapshot s) {
    switch (s.leave()) {
      case NOT_STARTED:
        return new StartLeave();
      case SUCCEEDED:
        return w.action().isPresent()
            ? new Complete(LifecycleResult.CONTINUE, "left the cluster and deregistered")
            : new Finish("left the cluster and deregistered");
      case FAILED:
        return drainFailed(w, "the leave failed: " + s.leaveError());
      case RUNNING:
      default:
        Duration elapsed = Duration.between(w.started(), s.now());
        if (elapsed.compareTo(config.drainTimeout()) >= 0) {
          return drainFailed(
              w,
              "the leave did not finish within lifecycle.drain-timeout ("
                  + config.drainTimeout().toSeconds()
                  + " s)");
        }
        return new Wait("leaving (" + elapsed.toSeconds() + " s)");
    }
  }

  private Decision drainFailed(InFlight w, String why) {
    if (w.action().isPresent() && config.drainFailureResult().isPresent()) {
      return new Complete(config.drainFailureResult().get(), why);
    }
    return new Finish(
        why
            + (w.action().isPresent()
                ? "; not answering the hook (lifecycle.drain-failure-result is none)"
                : ""));
  }

  private Decision beginTerminate(Instant now, String why) {
    return new Begin(
        InFlight.begin(
            Kind.TERMINATE,
            config.terminateHook().map(h -> action(h, LifecycleTransition.TERMINATING)),
            now,
            "terminating",
            why));
  }

  private LifecycleAction action(String hook, LifecycleTransition t) {
    return new LifecycleAction(config.groupName(), hook, config.instanceId(), t, Optional.empty());
  }
}
