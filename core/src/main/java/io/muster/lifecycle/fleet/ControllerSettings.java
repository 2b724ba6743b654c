package io.muster.lifecycle.fleet;

import static io.muster.lifecycle.fleet.FleetControllerKeys.*;

import io.muster.config.ConfigException;
import io.muster.config.Key;
import io.muster.config.Settings;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.LifecycleTransition;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The fleet controller's settings, read and cross-checked once. */
public record ControllerSettings(
    String queueUrl,
    Optional<String> deadLetterQueueUrl,
    List<String> launchCommand,
    List<String> terminateCommand,
    Duration hookTimeout,
    LifecycleResult launchFailureResult,
    LifecycleResult terminateFailureResult,
    boolean removeMembers,
    Duration visibilityTimeout,
    Duration waitTime,
    int batchSize,
    Duration claimLease,
    Duration goneAfter,
    Duration heartbeatInterval,
    Duration retention,
    String controllerId,
    Duration addressWait,
    List<String> groups,
    Duration reconcileInterval) {

  public ControllerSettings {
    launchCommand = List.copyOf(launchCommand);
    terminateCommand = List.copyOf(terminateCommand);
    groups = List.copyOf(groups);
  }

  /** Whether the periodic reconcile runs: groups named and an interval above 0. */
  public boolean reconciles() {
    return !groups.isEmpty() && !reconcileInterval.isZero();
  }

  /**
   * @param defaultId the controller's name when {@code lifecycle.controller.id} is unset (the host
   *     name)
   */
  public static ControllerSettings from(Settings s, String defaultId) {
    String queue = s.string(QUEUE_URL, "give the URL of the SQS queue the hooks notify");
    Duration visibility = s.duration(VISIBILITY_TIMEOUT);
    Duration lease = s.duration(CLAIM_LEASE);
    if (lease.compareTo(visibility) < 0) {
      throw ConfigException.invalid(
          CLAIM_LEASE,
          s.optionalString(CLAIM_LEASE).orElse(""),
          s.source(CLAIM_LEASE),
          "shorter than lifecycle.controller.visibility-timeout",
          "Make the lease at least the visibility timeout, or another controller could take over"
              + " an action that is still being worked on");
    }
    return new ControllerSettings(
        queue,
        s.optionalString(DEAD_LETTER_QUEUE_URL),
        command(s, LAUNCH_COMMAND),
        command(s, TERMINATE_COMMAND),
        s.duration(HOOK_TIMEOUT),
        LifecycleResult.valueOf(s.string(LAUNCH_FAILURE_RESULT, "ABANDON or CONTINUE")),
        LifecycleResult.valueOf(s.string(TERMINATE_FAILURE_RESULT, "ABANDON or CONTINUE")),
        s.bool(REMOVE_MEMBERS),
        visibility,
        s.duration(WAIT_TIME),
        s.integer(BATCH_SIZE),
        lease,
        s.duration(GONE_AFTER),
        s.duration(HEARTBEAT_INTERVAL),
        s.duration(RETENTION),
        s.optionalString(CONTROLLER_ID).orElse(defaultId),
        s.duration(ADDRESS_WAIT),
        s.list(GROUPS),
        s.duration(RECONCILE_INTERVAL));
  }

  /** The command of {@code transition}; empty when none is configured. */
  public List<String> command(LifecycleTransition transition) {
    return transition == LifecycleTransition.LAUNCHING ? launchCommand : terminateCommand;
  }

  /** The answer to an action of {@code transition} whose command failed. */
  public LifecycleResult failureResult(LifecycleTransition transition) {
    return transition == LifecycleTransition.LAUNCHING
        ? launchFailureResult
        : terminateFailureResult;
  }

  /** A command; its key's constraint has checked that every ${NAME} is a variable muster sets. */
  private static List<String> command(Settings s, Key key) {
    return s.list(key);
  }
}
