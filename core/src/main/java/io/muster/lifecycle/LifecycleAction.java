package io.muster.lifecycle;

import java.util.Objects;
import java.util.Optional;

/**
 * One paused lifecycle transition of one instance. The token is present when the action came from a
 * notification; an instance completing its own hook (from instance metadata) has none and is
 * completed by instance id.
 */
public record LifecycleAction(
    String groupName,
    String hookName,
    String instanceId,
    LifecycleTransition transition,
    Optional<String> token) {

  public LifecycleAction {
    Objects.requireNonNull(groupName, "groupName");
    Objects.requireNonNull(hookName, "hookName");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(transition, "transition");
    Objects.requireNonNull(token, "token");
  }

  /** The identity under which an action is acted on once: the token, else instance + transition. */
  public String dedupKey() {
    return token.orElse(instanceId + "/" + transition.name());
  }

  @Override
  public String toString() {
    // The token is not a secret, but it is long and adds nothing to a log line.
    return transition.name().toLowerCase()
        + " of "
        + instanceId
        + " (group "
        + groupName
        + ", hook "
        + hookName
        + ")";
  }
}
