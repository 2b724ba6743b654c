package io.muster.lifecycle.fleet;

import io.muster.lifecycle.LifecycleAction;
import java.util.Map;
import java.util.Objects;

/** What one queue message says, whichever of the three shapes carried it. */
public sealed interface Notification {

  /** How the notification reached the queue. */
  enum Shape {
    /** Auto Scaling straight to SQS, or through SNS with raw message delivery on. */
    DIRECT,
    /** Inside an SNS envelope ({@code Type: Notification}, the payload a JSON string). */
    SNS,
    /** An EventBridge event ({@code EC2 Instance-launch/terminate Lifecycle Action}). */
    EVENTBRIDGE,
    /**
     * No message: the periodic reconcile found the instance waiting in the Auto Scaling API with no
     * record of the action (its notification was lost). It has no token.
     */
    RECONCILE
  }

  /**
   * A lifecycle action to act on.
   *
   * @param metadata the hook's {@code NotificationMetadata}, or "" when it has none
   * @param details further fields for hook commands (origin, destination, time, request id), by
   *     their wire names; never the token
   */
  record Action(LifecycleAction action, String metadata, Shape shape, Map<String, String> details)
      implements Notification {
    public Action {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(metadata, "metadata");
      Objects.requireNonNull(shape, "shape");
      details = Map.copyOf(details);
    }
  }

  /** {@code autoscaling:TEST_NOTIFICATION}: sent when a hook's target is set; acknowledged. */
  record Test(Shape shape, String groupName) implements Notification {}

  /**
   * A message that is no lifecycle action: the field at fault and what is wrong with it. It goes to
   * the dead-letter queue with this reason.
   */
  record Malformed(String field, String problem) implements Notification {
    public String reason() {
      return field + ": " + problem;
    }
  }
}
