package io.muster.lifecycle;

import java.util.Optional;

/**
 * What the Auto Scaling API says an instance's lifecycle state is ({@code Pending:Wait}, {@code
 * Terminating:Wait}, {@code Terminating:Proceed}, {@code InService}...). The completion policy asks
 * it to tell "the API has not caught up with instance metadata yet" from "the action is gone" when
 * a completion answers "No active Lifecycle Action found".
 */
public interface LifecycleStates {

  /**
   * The instance's state, or empty when its group no longer lists it (terminated, detached). Throws
   * {@link LifecycleException} when the API cannot be asked.
   */
  Optional<String> lifecycleState(String instanceId);

  /** True for the states in which a lifecycle action of the instance is waiting for an answer. */
  static boolean waiting(String state) {
    return state.endsWith(":Wait");
  }

  /** True for the states that follow an answered (or timed-out) action of {@code transition}. */
  static boolean answered(LifecycleTransition transition, String state) {
    return switch (transition) {
      case LAUNCHING ->
          state.endsWith("Pending:Proceed")
              || state.equals("InService")
              || state.startsWith("Terminating")
              || state.equals("Terminated")
              || state.startsWith("Warmed:")
                  && !state.endsWith("Pending")
                  && !state.endsWith(":Wait");
      case TERMINATING -> state.endsWith("Terminating:Proceed") || state.endsWith("Terminated");
    };
  }
}
