package io.muster.lifecycle;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The node's lifecycle work in progress, kept in {@code state.dir} so that a restarted agent
 * resumes it (heartbeats, finishes, completes) and never completes it twice.
 *
 * @param kind what started it
 * @param action the hook action to answer; empty for a leave no hook waits for (spot, or a
 *     terminate without {@code lifecycle.terminate-hook})
 * @param phase how far it got
 * @param started when the work began (join and drain timeouts count from here)
 * @param result the answer decided on, once {@link Phase#COMPLETING} or {@link Phase#DONE}
 * @param reason why that answer, for logs and status
 * @param context the target state the work belongs to ("in-service" or "warmed" for a launch), so
 *     the warm-pool launch and the later launch into service are two actions
 */
public record InFlight(
    Kind kind,
    Optional<LifecycleAction> action,
    Phase phase,
    Instant started,
    Optional<LifecycleResult> result,
    String reason,
    String context) {

  /** What the work is for. */
  public enum Kind {
    /** A launch hook: join (or, warmed, just be ready), then answer. */
    LAUNCH,
    /** The instance is terminating: leave, then answer the terminate hook if there is one. */
    TERMINATE,
    /** A spot interruption notice or rebalance recommendation: leave; no hook to answer. */
    SPOT
  }

  /** How far the work got. */
  public enum Phase {
    /** Joining (launch) or leaving (terminate, spot). */
    WORKING,
    /** The answer is decided and being sent (retried through the API's races). */
    COMPLETING,
    /** Answered, found already answered, or nothing to answer: never send again. */
    DONE
  }

  public InFlight {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(context, "context");
  }

  public static InFlight begin(
      Kind kind, Optional<LifecycleAction> action, Instant now, String context, String reason) {
    return new InFlight(kind, action, Phase.WORKING, now, Optional.empty(), reason, context);
  }

  public InFlight completing(LifecycleResult r, String why) {
    return new InFlight(kind, action, Phase.COMPLETING, started, Optional.of(r), why, context);
  }

  public InFlight done(String why) {
    return new InFlight(kind, action, Phase.DONE, started, result, why, context);
  }

  /** Whether this work takes the node out of the cluster. */
  public boolean leaves() {
    return kind != Kind.LAUNCH;
  }
}
