package io.muster.agent.membership;

import io.muster.agent.logging.LogEvent;
import io.muster.agent.runtime.PeriodicComponent;
import io.muster.bootstrap.StepResult;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node in the cluster: steps the join flow (join, then re-check, re-join if it dropped
 * out) without a deadline, paced by {@link AgentPacing}. Says whether the last step found this node
 * a member, for the components that act only on a member.
 */
public final class JoinLoopComponent implements PeriodicComponent {
  private static final Logger LOG = LoggerFactory.getLogger("agent");
  private final Supplier<StepResult> flow;
  private final AgentPacing pacing;
  private final boolean follower;
  private final Consumer<StepResult> observer;
  private volatile boolean member;

  /**
   * @param flow one step of the join flow ({@code JoinFlow::step}), which never throws for
   *     operational failures
   * @param follower whether the adapter also follows membership (see {@link AgentPacing#nextWait})
   */
  public JoinLoopComponent(Supplier<StepResult> flow, AgentPacing pacing, boolean follower) {
    this(flow, pacing, follower, r -> {});
  }

  /**
   * @param observer told every step's result (the agent's status and metrics)
   */
  public JoinLoopComponent(
      Supplier<StepResult> flow,
      AgentPacing pacing,
      boolean follower,
      Consumer<StepResult> observer) {
    this.flow = flow;
    this.pacing = pacing;
    this.follower = follower;
    this.observer = observer;
  }

  @Override
  public String name() {
    return "join loop";
  }

  @Override
  public Duration step() {
    StepResult r = flow.get();
    if (r instanceof StepResult.Failed f) {
      LOG.atError()
          .addKeyValue("event", LogEvent.FAILED.kind())
          .log(f.message() + "; retrying later");
    } else if (r instanceof StepResult.Done d && d.changed()) {
      LOG.atInfo().addKeyValue("event", LogEvent.MEMBER.kind()).log(d.message());
    } else if (r instanceof StepResult.Done d) {
      // A member's periodic re-check: quiet unless something changed.
      LOG.debug(d.message());
    }
    member = r instanceof StepResult.Done;
    observer.accept(r);
    return pacing.afterJoinStep(r, follower);
  }

  /** Whether the last step found this node a verified member (false before the first step). */
  public boolean member() {
    return member;
  }
}
