package io.muster.telemetry;

import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.LifecycleTransition;
import io.muster.model.Peer;
import java.time.Duration;
import java.util.List;

/**
 * What the agent wants to know about the effects of the protocol, one call per effect. Every method
 * is called on the thread that made the call it reports, must return quickly and must not throw.
 * Names passed in (provider, operation, verb) come from a small fixed set, so an implementation may
 * use them as metric labels; addresses and instance ids only ever arrive as values.
 */
public interface Telemetry {

  /**
   * One discovery pass.
   *
   * @param provider the discovery provider's short name (static, dns, asg, ec2-tags)
   * @param peers what it returned; empty unless {@code outcome} is OK
   * @param error the failure's message (safe to log), null when OK
   */
  void discovery(
      String provider, Outcome outcome, Duration latency, List<Peer> peers, String error);

  /**
   * One call to the credential store.
   *
   * @param operation a {@link StoreOperation}'s label
   * @param error the failure's message (safe to log: stores never put secrets in messages), null
   *     when OK
   */
  void store(String operation, Outcome outcome, Duration latency, String error);

  /**
   * One adapter operation.
   *
   * @param adapter the adapter's short name
   * @param verb inspect, form, join, verify, leave, members-changed
   * @param error the failure's message, null when OK
   */
  void adapter(String adapter, String verb, Outcome outcome, String error);

  /**
   * A lifecycle action was completed with {@code result}. The lifecycle intakes report here (issue
   * 15); the agent counts it by transition and result.
   */
  default void lifecycleAction(LifecycleTransition transition, LifecycleResult result) {}

  /** Completing a lifecycle action failed (it will be retried or time out). */
  default void lifecycleActionFailed(LifecycleTransition transition, String error) {}

  /** Hears nothing: for commands that report to no one ({@code muster join}, tests). */
  Telemetry NONE =
      new Telemetry() {
        @Override
        public void discovery(
            String provider, Outcome outcome, Duration latency, List<Peer> peers, String error) {}

        @Override
        public void store(String operation, Outcome outcome, Duration latency, String error) {}

        @Override
        public void adapter(String adapter, String verb, Outcome outcome, String error) {}
      };
}
