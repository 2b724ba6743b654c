package io.muster.agent.lifecycle;

import io.muster.agent.runtime.PeriodicComponent;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Steps another periodic component only while a gate is open: the join loop while the lifecycle
 * lets the node join (not in the warm pool, not leaving), the membership follower while the node
 * has not left. Starting and stopping pass through.
 */
public final class GatedComponent implements PeriodicComponent {
  private final PeriodicComponent inner;
  private final BooleanSupplier open;
  private final Duration recheck;

  public GatedComponent(PeriodicComponent inner, BooleanSupplier open, Duration recheck) {
    this.inner = inner;
    this.open = open;
    this.recheck = recheck;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void start() throws Exception {
    inner.start();
  }

  @Override
  public void stop() throws Exception {
    inner.stop();
  }

  @Override
  public Duration step() throws Exception {
    return open.getAsBoolean() ? inner.step() : recheck;
  }
}
