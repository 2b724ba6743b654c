package io.muster.lifecycle.fleet;

import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleTransition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic reconcile: messages can be lost (dead-lettered by the redrive policy, expired, a
 * dropped SNS or EventBridge delivery), and then nothing would answer the action before its
 * heartbeat timeout. Every {@code lifecycle.controller.reconcile-interval}, each configured group's
 * instances waiting on a hook ({@code Pending:Wait}, {@code Terminating:Wait} and their {@code
 * Warmed:} forms) are handed to {@link MessageHandler#reconcile} for each hook of that transition,
 * as if notified. The handler's claim decides: an action with a record (done, or being worked on)
 * is left alone; one without is claimed exactly like a message would claim it and completed by
 * instance id.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger("lifecycle.controller");

  /** What one run did, for the log and tests. */
  public record Counts(int waiting, int acted, int failed) {}

  private final List<String> groups;
  private final GroupLifecycle api;
  private final MessageHandler handler;

  public Reconciler(List<String> groups, GroupLifecycle api, MessageHandler handler) {
    this.groups = List.copyOf(groups);
    this.api = api;
    this.handler = handler;
  }

  /** One pass over every group; a failing group or action is logged and the rest go on. */
  public Counts run() throws InterruptedException {
    int waiting = 0;
    int acted = 0;
    int failed = 0;
    for (String group : groups) {
      List<Notification.Action> found;
      try {
        found = waiting(group, api.instanceStates(group), api.hooks(group));
      } catch (RuntimeException e) {
        LOG.warn(
            "reconcile of group {} failed: {}; next try at the next interval",
            group,
            e.getMessage());
        failed++;
        continue;
      }
      waiting += found.size();
      for (Notification.Action a : found) {
        try {
          MessageHandler.Handled h = handler.reconcile(a);
          if (h == MessageHandler.Handled.COMPLETED || h == MessageHandler.Handled.GONE) {
            LOG.warn("reconcile: {} had no record (its notification was lost): {}", a.action(), h);
            acted++;
          }
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          LOG.error("reconcile of {} failed: {}", a.action(), e.getMessage());
          failed++;
        }
      }
    }
    return new Counts(waiting, acted, failed);
  }

  /**
   * The actions waiting in a group, pure: one per instance in a wait state and hook of its
   * transition, in instance id order.
   */
  static List<Notification.Action> waiting(
      String group, Map<String, String> states, List<GroupLifecycle.Hook> hooks) {
    List<Notification.Action> out = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(states).entrySet()) {
      Optional<LifecycleTransition> t = waitingFor(e.getValue());
      if (t.isEmpty()) {
        continue;
      }
      for (GroupLifecycle.Hook h : hooks) {
        if (h.transition() != t.get()) {
          continue;
        }
        LifecycleAction action =
            new LifecycleAction(group, h.name(), e.getKey(), t.get(), Optional.empty());
        out.add(
            new Notification.Action(
                action, h.metadata(), Notification.Shape.RECONCILE, details(e.getValue())));
      }
    }
    return out;
  }

  /** The transition an instance in {@code state} waits on, if it waits on a hook. */
  static Optional<LifecycleTransition> waitingFor(String state) {
    return switch (state) {
      case "Pending:Wait", "Warmed:Pending:Wait" -> Optional.of(LifecycleTransition.LAUNCHING);
      case "Terminating:Wait", "Warmed:Terminating:Wait" ->
          Optional.of(LifecycleTransition.TERMINATING);
      default -> Optional.empty();
    };
  }

  /** What the state tells for certain of a notification's Origin/Destination (warm pools). */
  private static Map<String, String> details(String state) {
    Map<String, String> d = new LinkedHashMap<>();
    if (state.equals("Warmed:Pending:Wait")) {
      d.put("Destination", "WarmPool");
    } else if (state.equals("Warmed:Terminating:Wait")) {
      d.put("Origin", "WarmPool");
      d.put("Destination", "EC2");
    }
    return d;
  }
}
