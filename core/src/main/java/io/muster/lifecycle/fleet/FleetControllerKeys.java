package io.muster.lifecycle.fleet;

import static io.muster.config.Key.Kind.BOOL;
import static io.muster.config.Key.Kind.DURATION;
import static io.muster.config.Key.Kind.INT;
import static io.muster.config.Key.Kind.LIST;
import static io.muster.config.Key.Kind.STRING;

import io.muster.config.Constraints;
import io.muster.config.Key;
import io.muster.config.KeyCatalog;
import java.time.Duration;
import java.util.List;

/** The keys of the fleet controller, {@code muster lifecycle}: {@code lifecycle.controller.*}. */
public final class FleetControllerKeys implements KeyCatalog {
  /** A hook argument: any text, where every ${NAME} names a variable muster sets. */
  private static final io.muster.config.Constraint KNOWN_PLACEHOLDERS =
      Constraints.matching(
          "(?:[^$]|\\$(?!\\{)|\\$\\{(?:" + String.join("|", HookEnvironment.NAMES) + ")})*",
          "arguments whose ${...} name MUSTER_* variables muster sets",
          "names a variable muster does not set",
          "Use only: "
              + String.join(
                  ", ", HookEnvironment.NAMES.stream().map(n -> "${" + n + "}").toList()));

  public static final Key QUEUE_URL =
      Key.of(
              "lifecycle.controller.queue-url",
              STRING,
              null,
              "SQS queue (standard, not FIFO) that receives the group's lifecycle notifications:"
                  + " from the hook directly, through SNS, or through an EventBridge rule.")
          .withFlag("--queue-url")
          .constrained(Constraints.httpUrl());
  public static final Key DEAD_LETTER_QUEUE_URL =
      Key.of(
              "lifecycle.controller.dead-letter-queue-url",
              STRING,
              null,
              "SQS queue that receives messages that are no lifecycle action, with the reason;"
                  + " unset: they stay on the queue until its redrive policy moves them.")
          .constrained(Constraints.httpUrl());
  public static final Key LAUNCH_COMMAND =
      Key.of(
              "lifecycle.controller.launch-command",
              LIST,
              null,
              "Command (argument list, no shell) run for each launching instance before CONTINUE;"
                  + " ${MUSTER_INSTANCE_ID} and the other MUSTER_* variables are substituted and set."
                  + " Unset: none.")
          .constrained(KNOWN_PLACEHOLDERS);
  public static final Key TERMINATE_COMMAND =
      Key.of(
              "lifecycle.controller.terminate-command",
              LIST,
              null,
              "Command (argument list, no shell) run for each terminating instance, e.g. salt-key -y"
                  + " -d ${MUSTER_INSTANCE_ID}. Unset: none.")
          .constrained(KNOWN_PLACEHOLDERS);
  public static final Key HOOK_TIMEOUT =
      Key.of(
              "lifecycle.controller.hook-timeout",
              DURATION,
              "10m",
              "A hook command still running after this long is killed (with its children) and"
                  + " counts as failed.")
          .constrained(Constraints.between(Duration.ofSeconds(1), Duration.ofHours(12)));
  public static final Key LAUNCH_FAILURE_RESULT =
      Key.of(
              "lifecycle.controller.launch-failure-result",
              STRING,
              "ABANDON",
              "Answer to a launch action whose command failed: ABANDON makes Auto Scaling"
                  + " replace the instance.")
          .constrained(Constraints.oneOf("ABANDON", "CONTINUE"));
  public static final Key TERMINATE_FAILURE_RESULT =
      Key.of(
              "lifecycle.controller.terminate-failure-result",
              STRING,
              "CONTINUE",
              "Answer to a terminate action whose command failed (the instance terminates either"
                  + " way; ABANDON skips the group's remaining terminate hooks).")
          .constrained(Constraints.oneOf("CONTINUE", "ABANDON"));
  public static final Key REMOVE_MEMBERS =
      Key.of(
          "lifecycle.controller.remove-members",
          BOOL,
          "true",
          "On terminate, remove the instance from the cluster through the adapter (when it can"
              + " remove members: ejabberd, swarm) and deregister it from the store.");
  public static final Key VISIBILITY_TIMEOUT =
      Key.of(
              "lifecycle.controller.visibility-timeout",
              DURATION,
              "60s",
              "How long a received message stays hidden from other controllers; extended every"
                  + " third of it while its action is worked on.")
          .constrained(Constraints.between(Duration.ofSeconds(3), Duration.ofHours(12)));
  public static final Key WAIT_TIME =
      Key.of(
              "lifecycle.controller.wait-time",
              DURATION,
              "20s",
              "Long-poll wait of one receive (SQS allows up to 20s).")
          .constrained(Constraints.between(Duration.ZERO, Duration.ofSeconds(20)));
  public static final Key BATCH_SIZE =
      Key.of(
              "lifecycle.controller.batch-size",
              INT,
              "10",
              "Messages taken per receive; they are worked on one after the other.")
          .constrained(Constraints.between(1, 10));
  public static final Key CLAIM_LEASE =
      Key.of(
              "lifecycle.controller.claim-lease",
              DURATION,
              "5m",
              "A controller's claim on an action, renewed while it works; another controller takes"
                  + " the action over only after the claim went this long unrenewed. At least"
                  + " visibility-timeout.")
          .constrained(Constraints.between(Duration.ofSeconds(3), Duration.ofDays(1)));
  public static final Key GONE_AFTER =
      Key.of(
              "lifecycle.controller.gone-after",
              DURATION,
              "30s",
              "How long Auto Scaling may answer 'No active Lifecycle Action' (not yet visible, or"
                  + " already completed or expired) before the action counts as gone.")
          .constrained(Constraints.between(Duration.ZERO, Duration.ofHours(1)));
  public static final Key HEARTBEAT_INTERVAL =
      Key.of(
              "lifecycle.controller.heartbeat-interval",
              DURATION,
              "0s",
              "While a hook command runs, record a lifecycle action heartbeat this often (keep it"
                  + " below the hook's heartbeat timeout); 0s: never.")
          .constrained(Constraints.between(Duration.ZERO, Duration.ofHours(2)));
  public static final Key RETENTION =
      Key.of(
              "lifecycle.controller.retention",
              DURATION,
              "14d",
              "How long the record of a finished action is kept (duplicates arriving within it are"
                  + " recognised); at least the queue's message retention period.")
          .constrained(Constraints.between(Duration.ofHours(1), Duration.ofDays(365)));
  public static final Key ADDRESS_WAIT =
      Key.of(
              "lifecycle.controller.address-wait",
              DURATION,
              "30s",
              "MUSTER_PRIVATE_ADDRESS of an instance not registered in the store (a launch) is"
                  + " looked up with EC2 DescribeInstances, asked again while EC2 does not describe"
                  + " the instance yet, for up to this long; 0s: no lookup (the address is empty).")
          .constrained(Constraints.between(Duration.ZERO, Duration.ofMinutes(10)));
  public static final Key GROUPS =
      Key.of(
              "lifecycle.controller.groups",
              LIST,
              null,
              "The Auto Scaling groups whose hooks notify this queue; the periodic reconcile looks"
                  + " in them for instances waiting on a hook whose notification was lost. Unset:"
                  + " no reconcile.")
          .constrained(
              Constraints.matching(
                  "[A-Za-z0-9][A-Za-z0-9_.:/@+=-]{0,254}",
                  "Auto Scaling group names",
                  "not an Auto Scaling group name",
                  "Give the group's name as Auto Scaling shows it"));
  public static final Key RECONCILE_INTERVAL =
      Key.of(
              "lifecycle.controller.reconcile-interval",
              DURATION,
              "5m",
              "How often the groups (lifecycle.controller.groups) are checked for instances in"
                  + " Pending:Wait or Terminating:Wait with no record of the action (a lost, expired"
                  + " or dead-lettered notification); those are handled as if notified and completed"
                  + " by instance id. 0s: never.")
          .constrained(Constraints.between(Duration.ZERO, Duration.ofDays(1)));
  public static final Key CONTROLLER_ID =
      Key.of(
              "lifecycle.controller.id",
              STRING,
              null,
              "This controller's name in its claims; a restarted controller with the same name"
                  + " resumes its own actions at once. Default: the host name.")
          .constrained(
              Constraints.matching(
                  "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}",
                  "1-63 letters, digits, '.', '_' or '-'",
                  "not a controller name",
                  "Use 1-63 letters, digits, '.', '_' or '-'"));

  @Override
  public String section() {
    return "Lifecycle: fleet controller (muster lifecycle)";
  }

  @Override
  public List<Key> keys() {
    return List.of(
        QUEUE_URL,
        DEAD_LETTER_QUEUE_URL,
        LAUNCH_COMMAND,
        TERMINATE_COMMAND,
        HOOK_TIMEOUT,
        LAUNCH_FAILURE_RESULT,
        TERMINATE_FAILURE_RESULT,
        REMOVE_MEMBERS,
        VISIBILITY_TIMEOUT,
        WAIT_TIME,
        BATCH_SIZE,
        CLAIM_LEASE,
        GONE_AFTER,
        HEARTBEAT_INTERVAL,
        RETENTION,
        ADDRESS_WAIT,
        GROUPS,
        RECONCILE_INTERVAL,
        CONTROLLER_ID);
  }
}
