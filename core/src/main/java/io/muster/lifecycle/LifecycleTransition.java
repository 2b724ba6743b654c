package io.muster.lifecycle;

import java.util.Arrays;
import java.util.Optional;

/** The two transitions a lifecycle hook can pause, by the names Auto Scaling uses on the wire. */
public enum LifecycleTransition {
  LAUNCHING("autoscaling:EC2_INSTANCE_LAUNCHING"),
  TERMINATING("autoscaling:EC2_INSTANCE_TERMINATING");

  private final String wireName;

  LifecycleTransition(String wireName) {
    this.wireName = wireName;
  }

  /** The value of {@code LifecycleTransition} in notifications and in the Auto Scaling API. */
  public String wireName() {
    return wireName;
  }

  /** The transition with this wire name, or empty for anything else (a test notification, say). */
  public static Optional<LifecycleTransition> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }
}
