package io.muster.lifecycle.fleet;

import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.LifecycleTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The controller's decisions, pure: from what a message says and what the store records, what to do
 * next. No I/O, no clock (now is given).
 */
public final class ActionDecisions {
  private ActionDecisions() {}

  /** What to do with a received message. */
  public sealed interface Decision {}

  /** Delete the message: a test notification, or an action that is already done. */
  public record Acknowledge(String why) implements Decision {}

  /** Not a lifecycle action: to the dead-letter queue with the reason. */
  public record DeadLetter(String reason) implements Decision {}

  /** Nobody has acted on it: claim attempt 1 and work from the start. */
  public record Claim(ActionRecord claim) implements Decision {}

  /**
   * This controller's own unfinished action (it restarted, or its completion failed): carry on from
   * where it got, as the next attempt when the hook may have been cut off.
   */
  public record Resume(ActionRecord own, boolean newAttempt) implements Decision {}

  /** Another controller's claim lapsed: claim the next attempt and carry on from where it got. */
  public record TakeOver(ActionRecord claim) implements Decision {}

  /** Another controller holds a live claim: leave the message hidden for {@code hideFor}. */
  public record Leave(String why, Duration hideFor) implements Decision {}

  /**
   * @param current the latest record of the message's action, when it is an action
   * @param self this controller's name
   */
  public static Decision decide(
      Notification n, Optional<ActionRecord> current, String self, Instant now, Duration lease) {
    if (n instanceof Notification.Test t) {
      return new Acknowledge("test notification of group " + t.groupName());
    }
    if (n instanceof Notification.Malformed m) {
      return new DeadLetter(m.reason());
    }
    return decideAction((Notification.Action) n, current, self, now, lease);
  }

  private static Decision decideAction(
      Notification.Action a,
      Optional<ActionRecord> current,
      String self,
      Instant now,
      Duration lease) {
    if (current.isEmpty()) {
      return new Claim(
          ActionRecord.claimed(
              ActionClaims.key(a.action()), 1, self, now.plus(lease), a.action().token()));
    }
    ActionRecord r = current.get();
    if (r.state() == ActionRecord.State.DONE) {
      if (anotherCycle(a, r, now, lease)) {
        return new Claim(
            ActionRecord.claimed(
                r.actionKey(), r.attempt() + 1, self, now.plus(lease), a.action().token()));
      }
      return new Acknowledge(
          "already done (" + r.outcome().map(Enum::name).orElse("?") + " by " + r.owner() + ")");
    }
    if (r.owner().equals(self)) {
      if (r.state() == ActionRecord.State.CLAIMED) {
        // Its hook may have been cut off: a new attempt, so MUSTER_ATTEMPT tells the rerun;
        // creating it also fails if another controller took over meanwhile.
        return new Resume(r.takenOverBy(self, now.plus(lease)), true);
      }
      // Only the completion is left (it failed, say, throttled): carry on in the same attempt.
      return new Resume(r.renewed(now.plus(lease)), false);
    }
    if (r.leaseExpired(now)) {
      return new TakeOver(r.takenOverBy(self, now.plus(lease)));
    }
    return new Leave(
        r.owner() + " is working on it (" + r.state() + ")", Duration.between(now, r.leaseUntil()));
  }

  /**
   * Whether an action whose record says DONE is a new one of the same instance, transition and hook
   * (a warm-pool instance goes through them again): a notification with another token than the one
   * done; or the reconcile finding the instance still waiting a whole claim lease after the action
   * was done (Auto Scaling shows a completion at once; an action that was GONE, e.g. answered "no
   * active action" while the API lagged, but is waiting after all, is acted on again too).
   */
  static boolean anotherCycle(
      Notification.Action a, ActionRecord done, Instant now, Duration lease) {
    if (a.shape() == Notification.Shape.RECONCILE) {
      return !now.isBefore(done.leaseUntil().plus(lease));
    }
    return a.action().token().isPresent()
        && done.token().isPresent()
        && !done.token().equals(a.action().token());
  }

  /** What the hook command means for the answer (and whether it should run at all). */
  public record HookPlan(boolean runCommand, String why) {}

  /**
   * Whether to run the hook command of a claimed action.
   *
   * @param hasCommand whether a command is configured for the transition
   * @param instanceTerminating whether a terminate of the same instance has been seen
   */
  public static HookPlan hookPlan(
      LifecycleTransition t, boolean hasCommand, boolean instanceTerminating) {
    if (t == LifecycleTransition.LAUNCHING && instanceTerminating) {
      // The terminate overtook the launch: do not, say, accept the key of a dying instance.
      return new HookPlan(false, "the instance is already terminating");
    }
    return hasCommand ? new HookPlan(true, "") : new HookPlan(false, "no command configured");
  }

  /** The answer after the hook step. */
  public static LifecycleResult result(
      LifecycleTransition t,
      boolean ranCommand,
      boolean commandOk,
      boolean instanceTerminating,
      ControllerSettings settings) {
    if (t == LifecycleTransition.LAUNCHING && instanceTerminating) {
      return LifecycleResult.ABANDON;
    }
    if (ranCommand && !commandOk) {
      return settings.failureResult(t);
    }
    return LifecycleResult.CONTINUE;
  }
}
