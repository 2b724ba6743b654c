package io.muster.cli;

import io.muster.aws.lifecycle.AutoScalingGroupLifecycle;
import io.muster.aws.lifecycle.AutoScalingLifecycleActions;
import io.muster.aws.lifecycle.Ec2InstanceAddresses;
import io.muster.aws.sqs.SqsActionQueue;
import io.muster.config.Settings;
import io.muster.lifecycle.fleet.FleetControllerKeys;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The statements the fleet controller ({@code muster lifecycle}) needs, when its queue is
 * configured: receive, delete and change visibility on that queue; send to the dead-letter queue
 * when one is set; complete lifecycle actions (and record heartbeats when they are switched on);
 * describe instances for a launching instance's address (unless {@code address-wait} is 0s); and,
 * for the reconcile, describe the groups and their hooks.
 */
final class FleetControllerPolicy {
  private FleetControllerPolicy() {}

  static List<IamPolicy.Statement> statements(Settings s) {
    Optional<String> queue = s.optionalString(FleetControllerKeys.QUEUE_URL);
    if (queue.isEmpty()) {
      return List.of();
    }
    List<IamPolicy.Statement> out = new ArrayList<>();
    out.add(
        new IamPolicy.Statement(
            "MusterLifecycleQueue",
            List.of(
                SqsActionQueue.RECEIVE, SqsActionQueue.DELETE, SqsActionQueue.CHANGE_VISIBILITY),
            queueArn(queue.get())));
    s.optionalString(FleetControllerKeys.DEAD_LETTER_QUEUE_URL)
        .ifPresent(
            dlq ->
                out.add(
                    new IamPolicy.Statement(
                        "MusterLifecycleDeadLetterQueue",
                        List.of(SqsActionQueue.SEND),
                        queueArn(dlq))));
    List<String> lifecycle = new ArrayList<>(List.of(AutoScalingLifecycleActions.COMPLETE));
    if (!s.duration(FleetControllerKeys.HEARTBEAT_INTERVAL).isZero()) {
      lifecycle.add(AutoScalingLifecycleActions.HEARTBEAT);
    }
    // The group is only known from each notification, so the actions cannot be scoped to it here.
    out.add(new IamPolicy.Statement("MusterLifecycleActions", lifecycle, "*"));
    // Describe* actions take no resource-level permissions.
    if (!s.duration(FleetControllerKeys.ADDRESS_WAIT).isZero()) {
      out.add(
          new IamPolicy.Statement(
              "MusterLifecycleAddresses", List.of(Ec2InstanceAddresses.DESCRIBE_INSTANCES), "*"));
    }
    if (!s.list(FleetControllerKeys.GROUPS).isEmpty()
        && !s.duration(FleetControllerKeys.RECONCILE_INTERVAL).isZero()) {
      out.add(
          new IamPolicy.Statement(
              "MusterLifecycleReconcile",
              List.of(
                  AutoScalingGroupLifecycle.DESCRIBE_GROUPS,
                  AutoScalingGroupLifecycle.DESCRIBE_HOOKS),
              "*"));
    }
    return out;
  }

  /**
   * {@code https://sqs.eu-west-1.amazonaws.com/123456789012/hooks} -> {@code
   * arn:aws:sqs:eu-west-1:123456789012:hooks}; other URL forms keep only the queue name.
   */
  static String queueArn(String url) {
    URI u = URI.create(url);
    String host = u.getHost() == null ? "" : u.getHost();
    String[] path = u.getPath() == null ? new String[0] : u.getPath().split("/");
    String name = path.length > 0 ? path[path.length - 1] : "*";
    String account = path.length > 2 ? path[path.length - 2] : "*";
    String[] labels = host.split("\\.");
    String region =
        labels.length == 4 && labels[0].equals("sqs") && host.endsWith(".amazonaws.com")
            ? labels[1]
            : "*";
    if (region.equals("*")) {
      account = "*";
    }
    return "arn:aws:sqs:" + region + ":" + account + ":" + name;
  }
}
