package io.muster.lifecycle.fleet;

import io.muster.adapter.AdapterException;
import io.muster.adapter.MemberRemover;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.StoreException;
import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleActions;
import io.muster.lifecycle.LifecycleException;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.LifecycleTransition;
import io.muster.lifecycle.fleet.ActionDecisions.Decision;
import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner;
import io.muster.process.ProcessRunner.Command;
import io.muster.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one received message from start to end: parse, decide, claim, run the hook command
 * (keeping the message hidden and the claim renewed), remove a terminated member, complete the
 * action, record it done, and only then delete the message. Every effect goes through a seam.
 *
 * <p>Crash safety comes from the order of writes: the record says {@code HOOKS_DONE} (with the
 * answer) before anything after the hook command happens, and {@code DONE} before the message is
 * deleted. A controller that dies anywhere leaves the message on the queue and its record in the
 * store; whoever gets the message next (itself after a restart, or another controller once the
 * claim lapsed) carries on from the record. The hook command runs again only when the controller
 * died while it ran.
 */
public final class MessageHandler {
  private static final Logger LOG = LoggerFactory.getLogger("lifecycle.controller");

  /** What became of a message. */
  public enum Handled {
    /** Deleted: a test notification, or a duplicate of an action already done. */
    ACKNOWLEDGED,
    /** Not a lifecycle action: sent to the dead-letter queue, or left for the redrive policy. */
    DEAD_LETTERED,
    /** Another controller works on it, or a retryable error: left on the queue. */
    LEFT,
    /** Completed with Auto Scaling, recorded and deleted. */
    COMPLETED,
    /** Auto Scaling no longer knew the action; recorded and deleted. */
    GONE
  }

  private final ControllerSettings settings;
  private final ActionQueue queue;
  private final ActionClaims claims;
  private final CredentialStore store;
  private final LifecycleActions actions;
  private final ProcessRunner processes;
  private final Optional<MemberRemover> remover;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Sleeper keepAliveSleeper;
  private final NotificationParser parser = new NotificationParser();
  private final HookAddresses addresses;

  /**
   * @param sleeper waits between completion attempts
   * @param keepAliveSleeper paces the keep-alive thread while a hook command runs (its own seam: a
   *     test's virtual sleeper must not spin that thread)
   */
  public MessageHandler(
      ControllerSettings settings,
      ActionQueue queue,
      CredentialStore store,
      LifecycleActions actions,
      ProcessRunner processes,
      Optional<MemberRemover> remover,
      Clock clock,
      Sleeper sleeper,
      Sleeper keepAliveSleeper) {
    this(
        settings,
        queue,
        store,
        actions,
        processes,
        remover,
        InstanceAddresses.NONE,
        clock,
        sleeper,
        keepAliveSleeper);
  }

  /**
   * @param ec2 looks up a launching instance's private address for {@code MUSTER_PRIVATE_ADDRESS}
   *     (notifications carry only the instance id)
   */
  public MessageHandler(
      ControllerSettings settings,
      ActionQueue queue,
      CredentialStore store,
      LifecycleActions actions,
      ProcessRunner processes,
      Optional<MemberRemover> remover,
      InstanceAddresses ec2,
      Clock clock,
      Sleeper sleeper,
      Sleeper keepAliveSleeper) {
    this.addresses = new HookAddresses(store, ec2, settings.addressWait(), clock, sleeper);
    this.settings = settings;
    this.queue = queue;
    this.store = store;
    this.claims = new ActionClaims(store);
    this.actions = actions;
    this.processes = processes;
    this.remover = remover;
    this.clock = clock;
    this.sleeper = sleeper;
    this.keepAliveSleeper = keepAliveSleeper;
  }

  /**
   * @param alsoHeld the other messages of the batch, kept hidden while this one's hook runs
   */
  public Handled handle(ActionQueue.Message m, List<ActionQueue.Message> alsoHeld)
      throws StoreException, InterruptedException {
    return handle(Optional.of(m), parser.parse(m.body()), alsoHeld);
  }

  /**
   * Acts on an action the reconcile found waiting, with no message in hand: the same decisions and
   * the same claim as a message of that action (the claim key has no token, see {@link
   * ActionClaims#key}), so a message arriving meanwhile is never acted on a second time. Nothing is
   * deleted or hidden: there is no message.
   */
  public Handled reconcile(Notification.Action n) throws StoreException, InterruptedException {
    return handle(Optional.empty(), n, List.of());
  }

  private Handled handle(
      Optional<ActionQueue.Message> message, Notification n, List<ActionQueue.Message> alsoHeld)
      throws StoreException, InterruptedException {
    String m = message.map(Object::toString).orElse("reconcile");
    Optional<ActionRecord> current =
        n instanceof Notification.Action a
            ? claims.current(ActionClaims.key(a.action()))
            : Optional.empty();
    Decision d =
        ActionDecisions.decide(
            n, current, settings.controllerId(), clock.instant(), settings.claimLease());
    if (d instanceof ActionDecisions.Acknowledge ack) {
      LOG.info("{}: {}{}", m, ack.why(), message.isPresent() ? "; deleting it" : "");
      message.ifPresent(queue::delete);
      return Handled.ACKNOWLEDGED;
    }
    if (d instanceof ActionDecisions.DeadLetter dl) {
      boolean moved = queue.deadLetter(message.orElseThrow(), dl.reason());
      LOG.error(
          "{} is not a lifecycle action: {}; {}",
          m,
          dl.reason(),
          moved
              ? "moved to the dead-letter queue"
              : "left on the queue for its redrive policy (set"
                  + " lifecycle.controller.dead-letter-queue-url to move it at once)");
      return Handled.DEAD_LETTERED;
    }
    if (d instanceof ActionDecisions.Leave leave) {
      LOG.info("{}: {}; leaving it", m, leave.why());
      message.ifPresent(x -> queue.changeVisibility(x, cap(leave.hideFor())));
      return Handled.LEFT;
    }
    Notification.Action action = (Notification.Action) n;
    ActionRecord record;
    if (d instanceof ActionDecisions.Claim c) {
      if (!claims.claim(c.claim())) {
        LOG.info("{}: another controller claimed {} first; leaving it", m, action.action());
        return Handled.LEFT;
      }
      record = c.claim();
      LOG.info("{}: claimed {} ({} shape)", m, action.action(), action.shape());
    } else if (d instanceof ActionDecisions.TakeOver t) {
      if (!claims.claim(t.claim())) {
        LOG.info("{}: another controller took over {} first; leaving it", m, action.action());
        return Handled.LEFT;
      }
      record = t.claim();
      LOG.warn("{}: took over {} from a lapsed claim, at {}", m, action.action(), record.state());
    } else {
      ActionDecisions.Resume resume = (ActionDecisions.Resume) d;
      record = resume.own();
      if (resume.newAttempt() && !claims.claim(record)) {
        LOG.info("{}: another controller took over {} first; leaving it", m, action.action());
        return Handled.LEFT;
      }
      if (!resume.newAttempt()) {
        claims.update(record);
      }
      LOG.info("{}: resuming my own {} at {}", m, action.action(), record.state());
    }
    return work(m, message, alsoHeld, action, record);
  }

  private Handled work(
      String m,
      Optional<ActionQueue.Message> message,
      List<ActionQueue.Message> alsoHeld,
      Notification.Action n,
      ActionRecord record)
      throws StoreException, InterruptedException {
    LifecycleAction a = n.action();
    if (record.state() == ActionRecord.State.CLAIMED) {
      if (a.transition() == LifecycleTransition.TERMINATING) {
        claims.markTerminating(a.instanceId(), clock.instant());
      }
      boolean terminating =
          a.transition() == LifecycleTransition.LAUNCHING && claims.terminating(a.instanceId());
      List<String> argv = settings.command(a.transition());
      ActionDecisions.HookPlan plan =
          ActionDecisions.hookPlan(a.transition(), !argv.isEmpty(), terminating);
      boolean ok = true;
      if (plan.runCommand()) {
        List<ActionQueue.Message> held = new java.util.ArrayList<>(alsoHeld);
        message.ifPresent(x -> held.add(0, x));
        try (KeepAlive keep =
            new KeepAlive(
                queue, held, claims, record, a, actions, settings, clock, keepAliveSleeper)) {
          ok = runHook(n, argv, record.attempt());
          record = keep.record();
        }
      } else {
        LOG.info("{}: no hook command run ({})", a, plan.why());
      }
      LifecycleResult result =
          ActionDecisions.result(a.transition(), plan.runCommand(), ok, terminating, settings);
      record = record.hooksDone(result, leaseFromNow());
      claims.update(record);
    }
    if (a.transition() == LifecycleTransition.TERMINATING && settings.removeMembers()) {
      removeMember(a.instanceId());
    }
    if (!claims.stillLatest(record)) {
      LOG.warn("{}: another controller took over {}; leaving it to them", m, a);
      return Handled.LEFT;
    }
    LifecycleResult result = record.result().orElse(LifecycleResult.CONTINUE);
    ActionRecord.Outcome outcome;
    try {
      outcome = complete(a, result);
    } catch (LifecycleException e) {
      LOG.error(
          "completing {} with {} failed: {}; the message stays and comes back after the"
              + " visibility timeout{}",
          a,
          result,
          e.getMessage(),
          e.retryable() ? "" : " (until the queue's redrive policy moves it: fix the cause)");
      return Handled.LEFT;
    }
    claims.update(record.done(outcome, clock.instant()));
    message.ifPresent(queue::delete);
    LOG.info(
        "{}: {} {} ({})",
        m,
        outcome == ActionRecord.Outcome.COMPLETED ? "completed" : "gone:",
        a,
        result);
    return outcome == ActionRecord.Outcome.COMPLETED ? Handled.COMPLETED : Handled.GONE;
  }

  /** Deletes the records of actions done longer than the retention ago; returns how many. */
  public int sweep() throws StoreException {
    int n = claims.sweep(clock.instant(), settings.retention());
    if (n > 0) {
      LOG.info("deleted {} lifecycle records older than the retention", n);
    }
    return n;
  }

  /** Runs the transition's command; false when it failed or timed out (logged with its output). */
  private boolean runHook(Notification.Action n, List<String> argv, int attempt)
      throws InterruptedException {
    Map<String, String> env = HookEnvironment.of(n, addresses.of(n.action().instanceId()), attempt);
    Command cmd =
        new Command(HookEnvironment.substitute(argv, env), env, null, settings.hookTimeout());
    try {
      ProcessRunner.ProcessResult r = processes.run(cmd);
      if (r.ok()) {
        LOG.info("{}: hook command {} succeeded", n.action(), cmd.display());
        return true;
      }
      LOG.error(
          "{}: hook command {} exited {}: {}",
          n.action(),
          cmd.display(),
          r.exitCode(),
          tail(r.stderr().isBlank() ? r.stdout() : r.stderr()));
      return false;
    } catch (CommandException e) {
      LOG.error("{}: hook command {} failed: {}", n.action(), cmd.display(), e.getMessage());
      return false;
    }
  }

  /**
   * Removes a terminating instance from the cluster (when the adapter can) and from the store.
   * Idempotent; a failure is logged and does not hold the instance: it terminates anyway.
   */
  private void removeMember(String instanceId) throws StoreException {
    Optional<MemberRecord> member = store.member(instanceId);
    if (member.isEmpty()) {
      return;
    }
    if (remover.isPresent()) {
      MemberRecord r = member.get();
      Peer peer =
          new Peer(IpLiteral.parse(r.address()), r.hostname(), instanceId, null, null, Map.of(), 0);
      try {
        remover.get().remove(peer);
        LOG.info("removed {} ({}) from the cluster", instanceId, r.address());
      } catch (AdapterException e) {
        LOG.error("could not remove {} from the cluster: {}", instanceId, e.getMessage());
      }
    }
    store.deregisterMember(instanceId);
  }

  /**
   * Completes the action; "no active action" is retried for {@code gone-after} (the API may not
   * show the wait state yet), then means the action is gone.
   */
  private ActionRecord.Outcome complete(LifecycleAction a, LifecycleResult result)
      throws InterruptedException {
    Instant giveUp = clock.instant().plus(settings.goneAfter());
    Duration spacing = min(Duration.ofSeconds(5), settings.goneAfter().dividedBy(3));
    while (true) {
      if (actions.complete(a, result) == LifecycleActions.Outcome.ACCEPTED) {
        return ActionRecord.Outcome.COMPLETED;
      }
      if (!clock.instant().isBefore(giveUp) || spacing.isZero()) {
        LOG.warn("{}: Auto Scaling has no active action (completed, expired or abandoned)", a);
        return ActionRecord.Outcome.GONE;
      }
      sleeper.sleep(spacing);
    }
  }

  private Instant leaseFromNow() {
    return clock.instant().plus(settings.claimLease());
  }

  /** SQS hides a message for at most 12 hours. */
  private static Duration cap(Duration d) {
    Duration max = Duration.ofHours(12);
    return d.isNegative() ? Duration.ZERO : d.compareTo(max) > 0 ? max : d;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String tail(String s) {
    String t = s.strip();
    return t.length() <= 500 ? t : "..." + t.substring(t.length() - 500);
  }
}
