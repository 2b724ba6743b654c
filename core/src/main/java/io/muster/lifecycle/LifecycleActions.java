package io.muster.lifecycle;

/**
 * The seam to the Auto Scaling lifecycle API ({@code CompleteLifecycleAction}, {@code
 * RecordLifecycleActionHeartbeat}). Implementations classify AWS's answers; callers decide what to
 * retry (see {@link Outcome}).
 */
public interface LifecycleActions {

  /** What one call achieved. */
  enum Outcome {
    /** AWS accepted the call. */
    ACCEPTED,
    /**
     * "No active Lifecycle Action found": either the action is not in its wait state yet (the
     * instance metadata can run ahead of the API) or it is already completed, expired or abandoned.
     * The caller retries for a while, then treats the action as gone.
     */
    NO_ACTIVE_ACTION
  }

  /** Answers the action with the result. Throws {@link LifecycleException} on any other error. */
  Outcome complete(LifecycleAction action, LifecycleResult result);

  /** Extends the action's heartbeat timeout. Throws {@link LifecycleException} on other errors. */
  Outcome heartbeat(LifecycleAction action);
}
