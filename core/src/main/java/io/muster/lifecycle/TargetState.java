package io.muster.lifecycle;

import java.util.Optional;

/**
 * What instance metadata's {@code autoscaling/target-lifecycle-state} says the instance is heading
 * for, reduced to what the on-node lifecycle acts on. The item carries no token and no hook name;
 * it is 404 until the instance has had a transition since the item exists.
 */
public enum TargetState {
  /** 404 or not read yet: nothing is known. */
  UNKNOWN,
  /** {@code InService}: launching into the group, or in service. */
  IN_SERVICE,
  /** {@code Warmed:*} other than Warmed:Terminated: in (or going to) the warm pool. */
  WARMED,
  /** {@code Terminated} or {@code Warmed:Terminated}: going away. */
  TERMINATED,
  /** {@code Detached}, {@code Standby} and anything newer: leave the node as it is. */
  OTHER;

  /** The state for the item's value; empty (a 404) is {@link #UNKNOWN}. */
  public static TargetState of(Optional<String> value) {
    if (value.isEmpty() || value.get().isBlank()) {
      return UNKNOWN;
    }
    String v = value.get().trim();
    if (v.equals("InService")) {
      return IN_SERVICE;
    }
    if (v.equals("Terminated") || v.equals("Warmed:Terminated")) {
      return TERMINATED;
    }
    if (v.startsWith("Warmed:")) {
      return WARMED;
    }
    return OTHER;
  }
}
