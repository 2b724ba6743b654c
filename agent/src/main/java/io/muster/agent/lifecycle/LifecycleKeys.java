package io.muster.agent.lifecycle;

import static io.muster.config.Key.Kind.BOOL;
import static io.muster.config.Key.Kind.DURATION;
import static io.muster.config.Key.Kind.STRING;

import io.muster.config.Constraints;
import io.muster.config.Key;
import io.muster.config.KeyCatalog;
import java.time.Duration;
import java.util.List;

/**
 * The on-node lifecycle keys of {@code muster agent} ({@code lifecycle.*}; the fleet controller's
 * keys are {@code lifecycle.controller.*}, declared by its own catalog).
 */
public final class LifecycleKeys implements KeyCatalog {
  private static final String HOOK_NAME = "[A-Za-z0-9_.-]{1,255}";

  public static final Key ENABLED =
      Key.of(
          "lifecycle.enabled",
          BOOL,
          "false",
          "Watch instance metadata (autoscaling/target-lifecycle-state, spot/instance-action) in"
              + " `muster agent`: gate joining on the launch hook, leave cleanly on termination or a"
              + " spot interruption, and answer the hooks.");
  public static final Key LAUNCH_HOOK =
      Key.of(
              "lifecycle.launch-hook",
              STRING,
              null,
              "Name of the group's launch lifecycle hook to answer once this node is a verified"
                  + " member; unset = no launch hook.")
          .constrained(
              Constraints.matching(
                  HOOK_NAME,
                  "a lifecycle hook name (1-255 of A-Z a-z 0-9 _ . -)",
                  "is not a lifecycle hook name",
                  "use the name given to put-lifecycle-hook"));
  public static final Key TERMINATE_HOOK =
      Key.of(
              "lifecycle.terminate-hook",
              STRING,
              null,
              "Name of the group's terminate lifecycle hook to answer once this node has left;"
                  + " unset = leave on termination without answering a hook.")
          .constrained(
              Constraints.matching(
                  HOOK_NAME,
                  "a lifecycle hook name (1-255 of A-Z a-z 0-9 _ . -)",
                  "is not a lifecycle hook name",
                  "use the name given to put-lifecycle-hook"));
  public static final Key HEARTBEAT_TIMEOUT =
      Key.of(
              "lifecycle.heartbeat-timeout",
              DURATION,
              "3600s",
              "The hooks' heartbeat timeout as given to put-lifecycle-hook (AWS's default is 3600"
                  + " s); heartbeats are paced from it.")
          .constrained(Constraints.between(Duration.ofSeconds(30), Duration.ofSeconds(7200)));
  public static final Key HEARTBEAT_INTERVAL =
      Key.of(
              "lifecycle.heartbeat-interval",
              DURATION,
              null,
              "How often to send RecordLifecycleActionHeartbeat while joining or draining; unset ="
                  + " a third of lifecycle.heartbeat-timeout. Must be shorter than the timeout.")
          .constrained(Constraints.between(Duration.ofSeconds(5), Duration.ofSeconds(7200)));
  public static final Key POLL_INTERVAL =
      Key.of(
              "lifecycle.poll-interval",
              DURATION,
              "5s",
              "How often to read the target lifecycle state and spot notices from instance"
                  + " metadata (a spot notice gives two minutes).")
          .constrained(Constraints.between(Duration.ofSeconds(1), Duration.ofSeconds(60)));
  public static final Key DRAIN_TIMEOUT =
      Key.of(
              "lifecycle.drain-timeout",
              DURATION,
              "5m",
              "How long leaving the cluster may take on termination before the hook is answered"
                  + " anyway (with lifecycle.drain-failure-result).")
          .constrained(Constraints.between(Duration.ofSeconds(1), Duration.ofHours(48)));
  public static final Key LAUNCH_FAILURE_RESULT =
      Key.of(
              "lifecycle.launch-failure-result",
              STRING,
              "ABANDON",
              "The launch hook's answer when the node is not a verified member within"
                  + " join.timeout: ABANDON (Auto Scaling replaces the instance) or CONTINUE (put it"
                  + " in service anyway).")
          .constrained(Constraints.oneOf("ABANDON", "CONTINUE"));
  public static final Key DRAIN_FAILURE_RESULT =
      Key.of(
              "lifecycle.drain-failure-result",
              STRING,
              "CONTINUE",
              "The terminate hook's answer when the leave failed or overran lifecycle.drain-timeout"
                  + " (the instance goes away either way; ABANDON also skips the group's other"
                  + " terminate hooks); none = do not answer, the hook times out.")
          .constrained(Constraints.oneOf("CONTINUE", "ABANDON", "none"));
  public static final Key ON_STOP =
      Key.of(
              "lifecycle.on-stop",
              STRING,
              "answer",
              "When the agent is stopped mid-action: answer = answer it now (a launch not yet a"
                  + " member with lifecycle.launch-failure-result, a terminate once its leave"
                  + " finished or with lifecycle.drain-failure-result, within 30 s); keep = leave it"
                  + " in state.dir for the next start (for hosts whose boot restarts muster).")
          .constrained(Constraints.oneOf("answer", "keep"));
  public static final Key COMPLETION_TIMEOUT =
      Key.of(
              "lifecycle.completion-timeout",
              DURATION,
              "10m",
              "How long to keep retrying CompleteLifecycleAction while Auto Scaling answers 'No"
                  + " active Lifecycle Action found' and still shows the instance waiting (its API"
                  + " can lag instance metadata).")
          .constrained(Constraints.between(Duration.ofSeconds(10), Duration.ofHours(48)));
  public static final Key LEAVE_ON_SPOT =
      Key.of(
          "lifecycle.leave-on-spot-interruption",
          BOOL,
          "true",
          "Leave the cluster when instance metadata announces a spot interruption.");
  public static final Key LEAVE_ON_REBALANCE =
      Key.of(
          "lifecycle.leave-on-rebalance",
          BOOL,
          "false",
          "Leave the cluster on an EC2 rebalance recommendation too (before any interruption).");

  @Override
  public String section() {
    return "3 Lifecycle hooks on the node";
  }

  @Override
  public List<Key> keys() {
    return List.of(
        ENABLED,
        LAUNCH_HOOK,
        TERMINATE_HOOK,
        HEARTBEAT_TIMEOUT,
        HEARTBEAT_INTERVAL,
        POLL_INTERVAL,
        DRAIN_TIMEOUT,
        LAUNCH_FAILURE_RESULT,
        DRAIN_FAILURE_RESULT,
        ON_STOP,
        COMPLETION_TIMEOUT,
        LEAVE_ON_SPOT,
        LEAVE_ON_REBALANCE);
  }
}
