package io.muster.lifecycle.fleet;

import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleActions;
import io.muster.lifecycle.LifecycleException;
import io.muster.lifecycle.LifecycleResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The lifecycle API as Auto Scaling answers it, in memory: an action is active until it is
 * completed once; completing it again answers "no active action". Records every call and every
 * accepted completion, for tests that count them.
 */
public final class RecordingLifecycleActions implements LifecycleActions {
  /** A completion Auto Scaling accepted. */
  public record Completion(String actionKey, LifecycleResult result) {}

  private final Set<String> completedKeys = new HashSet<>();
  private final List<Completion> accepted = new ArrayList<>();
  private final List<String> acceptedIdentities = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private final Set<String> unknown = new HashSet<>();

  /** How many of the next completions fail with a retryable error before reaching AWS. */
  public int failNextCompletions;

  /** This action is not (or no longer) active at Auto Scaling: expired, say. */
  public synchronized RecordingLifecycleActions expired(String actionKey) {
    unknown.add(actionKey);
    return this;
  }

  @Override
  public synchronized Outcome complete(LifecycleAction action, LifecycleResult result) {
    String key = key(action);
    calls.add("complete " + key + " " + result);
    if (failNextCompletions > 0) {
      failNextCompletions--;
      throw new LifecycleException("throttled (test)", true, null);
    }
    if (unknown.contains(key)
        || unknown.contains(identity(action))
        || !completedKeys.add(identity(action))) {
      return Outcome.NO_ACTIVE_ACTION;
    }
    accepted.add(new Completion(key, result));
    acceptedIdentities.add(identity(action));
    return Outcome.ACCEPTED;
  }

  @Override
  public synchronized Outcome heartbeat(LifecycleAction action) {
    String key = key(action);
    calls.add("heartbeat " + key);
    return unknown.contains(key) || completedKeys.contains(identity(action))
        ? Outcome.NO_ACTIVE_ACTION
        : Outcome.ACCEPTED;
  }

  /**
   * How tests name an action: its token, else (completed by instance id) instance and transition.
   */
  static String key(LifecycleAction a) {
    return a.token().orElse(a.instanceId() + "." + a.transition().name());
  }

  /**
   * What Auto Scaling knows an action by: one instance waits on one hook of a transition at a time,
   * whether it is named by token or by instance id.
   */
  static String identity(LifecycleAction a) {
    return a.instanceId() + "/" + a.transition() + "/" + a.hookName();
  }

  /** The instance waits on its hooks again (a warm-pool instance launching a second time). */
  public synchronized void reset(String instanceId) {
    completedKeys.removeIf(k -> k.startsWith(instanceId + "/"));
  }

  /** Whether the action of instance, transition and hook has been completed. */
  public synchronized boolean completed(LifecycleAction a) {
    return completedKeys.contains(identity(a));
  }

  /** {@link #identity} of each accepted completion, in order. */
  public synchronized List<String> acceptedIdentities() {
    return List.copyOf(acceptedIdentities);
  }

  public synchronized List<Completion> accepted() {
    return List.copyOf(accepted);
  }

  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }
}
