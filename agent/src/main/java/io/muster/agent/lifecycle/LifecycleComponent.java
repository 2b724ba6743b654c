package io.muster.agent.lifecycle;

import io.muster.agent.runtime.PeriodicComponent;
import io.muster.lifecycle.CompletionPolicy;
import io.muster.lifecycle.HeartbeatPacing;
import io.muster.lifecycle.InFlight;
import io.muster.lifecycle.InFlight.Phase;
import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleActions;
import io.muster.lifecycle.LifecycleException;
import io.muster.lifecycle.LifecycleRecords;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.LifecycleSignals;
import io.muster.lifecycle.LifecycleSignals.Signals;
import io.muster.lifecycle.LifecycleStates;
import io.muster.lifecycle.NodeLifecycle;
import io.muster.lifecycle.NodeLifecycle.AwaitLeave;
import io.muster.lifecycle.NodeLifecycle.Begin;
import io.muster.lifecycle.NodeLifecycle.Complete;
import io.muster.lifecycle.NodeLifecycle.Decision;
import io.muster.lifecycle.NodeLifecycle.Finish;
import io.muster.lifecycle.NodeLifecycle.LeaveStatus;
import io.muster.lifecycle.NodeLifecycle.Snapshot;
import io.muster.lifecycle.NodeLifecycle.StartLeave;
import io.muster.lifecycle.NodeLifecycle.Wait;
import io.muster.lifecycle.TargetState;
import io.muster.telemetry.Telemetry;
import io.muster.time.Sleeper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-node lifecycle intake of {@code muster agent}: every poll interval it reads the instance's
 * lifecycle signals from instance metadata, asks {@link NodeLifecycle} what to do, and does it —
 * opening or closing the join gate, leaving the cluster (on its own thread, so heartbeats go on
 * while a leave runs), heartbeating, and answering the hook through the lifecycle API with the
 * {@link CompletionPolicy}'s retries. The work in progress is saved before each effect, so a
 * restarted agent resumes it and never answers an action twice.
 *
 * <p>When the agent is stopped mid-action, the hook is still answered (within {@link #STOP_BUDGET})
 * unless {@code lifecycle.on-stop: keep}: an unanswered hook holds the group (or the new instance)
 * until its timeout.
 */
public final class LifecycleComponent implements PeriodicComponent {
  private static final Logger LOG = LoggerFactory.getLogger("lifecycle");

  /**
   * How long stopping the agent may spend answering a hook: systemd's stop timeout is 90 s
   * (TimeoutStopSec), the agent's own grace 60 s, and agent.leave-on-shutdown comes after this.
   */
  static final Duration STOP_BUDGET = Duration.ofSeconds(30);

  /** Of {@link #STOP_BUDGET}, how long a stop waits for a leave in progress before answering. */
  static final Duration STOP_LEAVE_WAIT = Duration.ofSeconds(15);

  private static final Duration STOP_LEAVE_POLL = Duration.ofMillis(250);

  /** Decisions taken in one step at most, so one step never loops. */
  private static final int MAX_DECISIONS = 8;

  /** Leaves the cluster: adapter leave, store deregistration, forget the membership. */
  @FunctionalInterface
  public interface Leave {
    void run() throws Exception;
  }

  private final NodeLifecycle machine;
  private final LifecycleSettings settings;
  private final LifecycleSignals signals;
  private final LifecycleActions actions;
  private final LifecycleStates states;
  private final LifecycleRecords records;
  private final BooleanSupplier member;
  private final Leave leave;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ExecutorService leaver;

  private Telemetry telemetry = Telemetry.NONE;
  private Optional<InFlight> work = Optional.empty();
  private Future<?> leaving;
  private HeartbeatPacing heartbeats;
  private Instant completionStarted;
  private Signals last;
  private volatile boolean mayJoin;
  private volatile boolean mayFollow = true;

  public LifecycleComponent(
      NodeLifecycle machine,
      LifecycleSettings settings,
      LifecycleSignals signals,
      LifecycleActions actions,
      LifecycleStates states,
      LifecycleRecords records,
      BooleanSupplier member,
      Leave leave,
      Clock clock,
      Sleeper sleeper,
      ExecutorService leaver) {
    this.leaver = leaver;
    this.machine = machine;
    this.settings = settings;
    this.signals = signals;
    this.actions = actions;
    this.states = states;
    this.records = records;
    this.member = member;
    this.leave = leave;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** The leave's own thread: a daemon, so a leave that hangs never holds the JVM at exit. */
  public static ExecutorService leaveThread() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "muster-lifecycle-leave");
          t.setDaemon(true);
          return t;
        });
  }

  /** Reports each answer sent (and each that could not be) to {@code t}: the agent's metrics. */
  public LifecycleComponent reportingTo(Telemetry t) {
    this.telemetry = t;
    return this;
  }

  @Override
  public String name() {
    return "lifecycle";
  }

  /** Resumes the work a previous run left in {@code state.dir}. */
  @Override
  public void start() throws IOException {
    work = records.load();
    String self = machine.config().instanceId();
    if (work.flatMap(InFlight::action).map(a -> !a.instanceId().equals(self)).orElse(false)) {
      // A state.dir baked into an image, or copied from another instance: not this one's work.
      LOG.warn(
          "ignoring the lifecycle work in state.dir: it belongs to {}, not to {}",
          work.get().action().get().instanceId(),
          self);
      work = Optional.empty();
    }
    work.filter(w -> w.phase() != Phase.DONE)
        .ifPresent(
            w -> {
              LOG.atInfo()
                  .addKeyValue("event", "lifecycle-resumed")
                  .log(
                      "resuming {} ({}, since {}): {}",
                      describe(w),
                      w.phase(),
                      w.started(),
                      w.reason());
              // Heartbeat at once: the previous run may have been gone a while.
              heartbeats =
                  new HeartbeatPacing(
                      settings.heartbeatInterval(),
                      clock.instant().minus(settings.heartbeatInterval()));
            });
  }

  /**
   * Whether the join loop may run: false in the warm pool, while leaving, and before the first
   * read.
   */
  public boolean mayJoin() {
    return mayJoin;
  }

  /** Whether membership may be followed: false once the node leaves. */
  public boolean mayFollow() {
    return mayFollow;
  }

  /** The work in progress, for status. */
  public synchronized Optional<InFlight> work() {
    return work;
  }

  /**
   * What {@code /status} shows under "lifecycle": the target state instance metadata reported last
   * and the work in progress (what for, how far, since when, the answer once decided and why).
   */
  public synchronized Map<String, Object> statusFields() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("targetState", last == null ? null : last.target().name());
    out.put("mayJoin", mayJoin);
    out.put("work", work.map(LifecycleComponent::workFields).orElse(null));
    return out;
  }

  private static Map<String, Object> workFields(InFlight w) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", w.kind().name());
    out.put("phase", w.phase().name());
    out.put("since", w.started().toString());
    out.put("hook", w.action().map(LifecycleAction::hookName).orElse(null));
    out.put("transition", w.action().map(a -> a.transition().wireName()).orElse(null));
    out.put("result", w.result().map(Enum::name).orElse(null));
    out.put("reason", w.reason());
    return out;
  }

  @Override
  public synchronized Duration step() {
    try {
      last = signals.read();
    } catch (IOException e) {
      LOG.warn("cannot read the lifecycle state from instance metadata: {}", e.getMessage());
      if (last == null) {
        return settings.pollInterval();
      }
    }
    Duration next = settings.pollInterval();
    for (int i = 0; i < MAX_DECISIONS; i++) {
      Snapshot s = snapshot();
      mayJoin = NodeLifecycle.mayJoin(s, true);
      mayFollow = NodeLifecycle.mayFollow(s);
      Decision d = machine.decide(s);
      if (d instanceof Wait) {
        break;
      }
      Optional<Duration> after = apply(d, s.now());
      if (after.isPresent()) {
        // A completion to retry: its own pace, not the poll's (heartbeats still come first).
        next = after.get();
        break;
      }
    }
    Snapshot s = snapshot();
    mayJoin = NodeLifecycle.mayJoin(s, true);
    mayFollow = NodeLifecycle.mayFollow(s);
    return min(next, heartbeatIfDue());
  }

  private Snapshot snapshot() {
    LeaveStatus status = LeaveStatus.NOT_STARTED;
    String error = "";
    if (leaving != null) {
      if (!leaving.isDone()) {
        status = LeaveStatus.RUNNING;
      } else {
        try {
          leaving.get();
          status = LeaveStatus.SUCCEEDED;
        } catch (ExecutionException e) {
          status = LeaveStatus.FAILED;
          error = String.valueOf(e.getCause().getMessage());
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
          status = LeaveStatus.FAILED;
          error = "interrupted";
        }
      }
    }
    return new Snapshot(
        last == null ? TargetState.UNKNOWN : last.target(),
        last != null && last.spotInterruption() && settings.leaveOnSpot(),
        last != null && last.rebalance(),
        work,
        member.getAsBoolean(),
        status,
        error,
        clock.instant());
  }

  /** Performs one decision; returns when to step again if the decision is to wait for a retry. */
  private Optional<Duration> apply(Decision d, Instant now) {
    if (d instanceof Begin b) {
      save(b.work());
      leaving = null;
      completionStarted = null;
      heartbeats = new HeartbeatPacing(settings.heartbeatInterval(), now);
      LOG.atInfo()
          .addKeyValue("event", "lifecycle-" + b.work().kind().name().toLowerCase())
          .log("{}: {}", describe(b.work()), b.work().reason());
      return Optional.empty();
    }
    if (d instanceof StartLeave) {
      LOG.atInfo().addKeyValue("event", "lifecycle-leaving").log("leaving the cluster");
      leaving =
          leaver.submit(
              () -> {
                leave.run();
                return null;
              });
      return Optional.empty();
    }
    if (d instanceof Finish f) {
      InFlight w = work.orElseThrow();
      save(w.done(f.why()));
      if (w.kind() != InFlight.Kind.LAUNCH && leaving != null && !leaving.isDone()) {
        leaving.cancel(true);
      }
      logEnd(w, f.why(), w.action().isPresent());
      return Optional.empty();
    }
    Complete c = (Complete) d;
    InFlight w = work.orElseThrow();
    if (w.phase() != Phase.COMPLETING) {
      // Judged before a cancel below: a leave that did not succeed is the operator's to look at.
      boolean leaveFailed = w.leaves() && snapshot().leave() != LeaveStatus.SUCCEEDED;
      if (leaving != null && !leaving.isDone()) {
        // Drain timeout: the leave goes on in the background, the hook is answered now.
        leaving.cancel(true);
      }
      w = w.completing(c.result(), c.why());
      save(w);
      if (leaveFailed) {
        LOG.atError()
            .addKeyValue("event", "lifecycle-leave-failed")
            .log("{}: {}; answering {}", describe(w), c.why(), c.result());
      }
    }
    if (w.action().isEmpty()) {
      save(w.done(c.why()));
      return Optional.empty();
    }
    return complete(w);
  }

  /** One completion attempt and its verdict; empty when the work is finished. */
  private Optional<Duration> complete(InFlight w) {
    LifecycleAction action = w.action().orElseThrow();
    LifecycleResult result = w.result().orElseThrow();
    Instant now = clock.instant();
    if (completionStarted == null) {
      completionStarted = now;
    }
    Optional<LifecycleActions.Outcome> outcome = Optional.empty();
    LifecycleException error = null;
    try {
      outcome = Optional.of(actions.complete(action, result));
    } catch (LifecycleException e) {
      error = e;
    }
    Optional<String> apiState = null;
    if (outcome.isPresent() && outcome.get() == LifecycleActions.Outcome.NO_ACTIVE_ACTION) {
      try {
        apiState = states.lifecycleState(action.instanceId());
      } catch (LifecycleException e) {
        LOG.warn("cannot tell whether {} is still waiting: {}", action, e.getMessage());
      }
    }
    CompletionPolicy.Verdict v =
        settings
            .completion()
            .judge(
                action.transition(),
                outcome,
                error,
                apiState,
                Duration.between(completionStarted, clock.instant()));
    if (v instanceof CompletionPolicy.Accepted) {
      save(w.done(w.reason()));
      telemetry.lifecycleAction(action.transition(), result);
      LOG.atInfo()
          .addKeyValue("event", "lifecycle-completed")
          .addKeyValue("result", result.name())
          .log("answered {} with {}: {}", action, result, w.reason());
      return Optional.empty();
    }
    if (v instanceof CompletionPolicy.Gone g) {
      save(w.done(g.why()));
      LOG.atWarn()
          .addKeyValue("event", "lifecycle-gone")
          .log("{} needs no answer: {}", action, g.why());
      return Optional.empty();
    }
    if (v instanceof CompletionPolicy.Failed f) {
      save(w.done("not answered: " + f.why()));
      telemetry.lifecycleActionFailed(action.transition(), f.why());
      LOG.atError()
          .addKeyValue("event", "lifecycle-completion-failed")
          .log(
              "could not answer {} with {}: {}; Auto Scaling applies the hook's default result at"
                  + " its timeout",
              action,
              result,
              f.why());
      return Optional.empty();
    }
    CompletionPolicy.Retry r = (CompletionPolicy.Retry) v;
    LOG.info(
        "answering {} with {}: {}; retrying in {} s",
        action,
        result,
        r.why(),
        r.after().toSeconds());
    return Optional.of(r.after());
  }

  private Duration heartbeatIfDue() {
    Optional<InFlight> w = work.filter(x -> x.phase() != Phase.DONE && x.action().isPresent());
    if (w.isEmpty() || heartbeats == null) {
      return settings.pollInterval();
    }
    Instant now = clock.instant();
    if (heartbeats.due(now)) {
      heartbeats.sent(now);
      LifecycleAction a = w.get().action().get();
      try {
        LifecycleActions.Outcome o = actions.heartbeat(a);
        if (o == LifecycleActions.Outcome.NO_ACTIVE_ACTION) {
          LOG.debug("heartbeat for {}: no active lifecycle action (yet)", a);
        }
      } catch (LifecycleException e) {
        LOG.warn("heartbeat for {} failed: {}", a, e.getMessage());
      }
    }
    return heartbeats.untilDue(now);
  }

  /**
   * Answers the work the agent is stopped in the middle of, as {@code lifecycle.on-stop} says
   * ({@link NodeLifecycle#stopping}): a launch not yet a member with the launch failure result, a
   * terminate once its leave has finished (waiting up to {@link #STOP_LEAVE_WAIT}) or with the
   * drain failure result, an answer already decided as decided — all within {@link #STOP_BUDGET},
   * on bounded calls of its own, since nothing after this step will answer it. What cannot be
   * answered in time stays in {@code state.dir}, and the record keeps it from being answered twice.
   */
  @Override
  public synchronized void stop() {
    try {
      Instant begun = clock.instant();
      Instant leaveDeadline = begun.plus(STOP_LEAVE_WAIT);
      Decision d;
      while (true) {
        d =
            machine.stopping(
                snapshot(), settings.onStop(), !clock.instant().isBefore(leaveDeadline));
        if (!(d instanceof AwaitLeave)) {
          break;
        }
        sleeper.sleep(STOP_LEAVE_POLL);
      }
      if (d instanceof Wait wait) {
        Optional<InFlight> open = work.filter(w -> w.phase() != Phase.DONE);
        if (open.isPresent()) {
          LOG.warn("stopping during {}: {}", describe(open.get()), wait.why());
        }
        return;
      }
      LOG.info("stopping during {}: answering it now", describe(work.orElseThrow()));
      Optional<Duration> retry = apply(d, clock.instant());
      Instant deadline = begun.plus(STOP_BUDGET);
      while (retry.isPresent()) {
        if (Duration.between(clock.instant(), deadline).compareTo(retry.get()) < 0) {
          LOG.error(
              "stopping: {} is still not answered; the next start resumes it",
              work.flatMap(InFlight::action).map(Object::toString).orElse("the work"));
          return;
        }
        sleeper.sleep(retry.get());
        retry = complete(work.orElseThrow());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      leaver.shutdownNow();
    }
  }

  private void save(InFlight w) {
    try {
      records.save(w);
    } catch (IOException e) {
      // Without the record a restart could answer twice or not at all: say so loudly, go on.
      LOG.error("cannot save the lifecycle work to state.dir: {}", e.getMessage());
    }
    work = Optional.of(w);
  }

  private void logEnd(InFlight w, String why, boolean hadHook) {
    if (why.contains("failed") || why.contains("did not finish")) {
      LOG.atError().addKeyValue("event", "lifecycle-leave-failed").log("{}: {}", describe(w), why);
    } else {
      LOG.atInfo().addKeyValue("event", "lifecycle-left").log("{}: {}", describe(w), why);
    }
  }

  private static String describe(InFlight w) {
    return w.action()
        .map(LifecycleAction::toString)
        .orElse(w.kind().name().toLowerCase() + " leave");
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
