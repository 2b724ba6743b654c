package io.muster.agent.lifecycle;

import io.muster.aws.lifecycle.AutoScalingLifecycleActions;
import io.muster.config.ConfigException;
import io.muster.config.Settings;
import io.muster.lifecycle.CompletionPolicy;
import io.muster.lifecycle.HeartbeatPacing;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.NodeLifecycle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The on-node lifecycle keys, read and checked together (each key was checked alone when the
 * settings loaded; here the checks that span keys).
 */
public record LifecycleSettings(
    boolean enabled,
    Optional<String> launchHook,
    Optional<String> terminateHook,
    Duration heartbeatInterval,
    Duration pollInterval,
    Duration drainTimeout,
    LifecycleResult launchFailureResult,
    Optional<LifecycleResult> drainFailureResult,
    CompletionPolicy completion,
    boolean leaveOnSpot,
    boolean leaveOnRebalance,
    NodeLifecycle.OnStop onStop) {

  /** Pause between completion attempts while AWS's API catches up (PrairieLearn used 5 s). */
  static final Duration COMPLETION_RETRY = Duration.ofSeconds(5);

  /**
   * The Auto Scaling actions answering this node's hooks calls, which can be scoped to the group:
   * none unless a hook is named.
   */
  public List<String> hookIamActions() {
    return launchHook.isPresent() || terminateHook.isPresent()
        ? List.of(AutoScalingLifecycleActions.COMPLETE, AutoScalingLifecycleActions.HEARTBEAT)
        : List.of();
  }

  /**
   * The describe call the completion policy uses to ride out the API's lag; Describe calls take no
   * resource scope.
   */
  public List<String> describeIamActions() {
    return hookIamActions().isEmpty()
        ? List.of()
        : List.of(AutoScalingLifecycleActions.DESCRIBE_INSTANCES);
  }

  public static LifecycleSettings from(Settings s) {
    Duration timeout = s.duration(LifecycleKeys.HEARTBEAT_TIMEOUT);
    Duration interval = HeartbeatPacing.defaultInterval(timeout);
    if (s.isSet(LifecycleKeys.HEARTBEAT_INTERVAL)) {
      interval = s.duration(LifecycleKeys.HEARTBEAT_INTERVAL);
      if (interval.compareTo(timeout) >= 0) {
        throw ConfigException.invalid(
            LifecycleKeys.HEARTBEAT_INTERVAL,
            s.optionalString(LifecycleKeys.HEARTBEAT_INTERVAL).orElse(""),
            s.source(LifecycleKeys.HEARTBEAT_INTERVAL),
            "heartbeats must come more often than lifecycle.heartbeat-timeout ("
                + timeout.toSeconds()
                + " s), or the hook times out between two of them",
            "set it to a third of the timeout or less, or leave it unset");
      }
    }
    String drain = s.string(LifecycleKeys.DRAIN_FAILURE_RESULT, "CONTINUE");
    boolean enabled = s.bool(LifecycleKeys.ENABLED);
    Optional<String> launch = s.optionalString(LifecycleKeys.LAUNCH_HOOK);
    Optional<String> terminate = s.optionalString(LifecycleKeys.TERMINATE_HOOK);
    if (!enabled && (launch.isPresent() || terminate.isPresent())) {
      var key = launch.isPresent() ? LifecycleKeys.LAUNCH_HOOK : LifecycleKeys.TERMINATE_HOOK;
      throw ConfigException.invalid(
          key,
          s.optionalString(key).orElse(""),
          s.source(key),
          "a hook is named but lifecycle.enabled is false, so nothing would ever answer it",
          "set lifecycle.enabled: true (or remove the hook name)");
    }
    return new LifecycleSettings(
        enabled,
        launch,
        terminate,
        interval,
        s.duration(LifecycleKeys.POLL_INTERVAL),
        s.duration(LifecycleKeys.DRAIN_TIMEOUT),
        LifecycleResult.valueOf(s.string(LifecycleKeys.LAUNCH_FAILURE_RESULT, "ABANDON")),
        drain.equals("none") ? Optional.empty() : Optional.of(LifecycleResult.valueOf(drain)),
        new CompletionPolicy(COMPLETION_RETRY, s.duration(LifecycleKeys.COMPLETION_TIMEOUT)),
        s.bool(LifecycleKeys.LEAVE_ON_SPOT),
        s.bool(LifecycleKeys.LEAVE_ON_REBALANCE),
        s.string(LifecycleKeys.ON_STOP, "answer").equals("keep")
            ? NodeLifecycle.OnStop.KEEP
            : NodeLifecycle.OnStop.ANSWER);
  }
}
