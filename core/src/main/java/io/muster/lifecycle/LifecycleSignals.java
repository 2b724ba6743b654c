package io.muster.lifecycle;

import java.io.IOException;
import java.util.Optional;

/**
 * What the instance itself is told about its future: instance metadata's {@code
 * autoscaling/target-lifecycle-state}, {@code spot/instance-action} and {@code
 * events/recommendations/rebalance}.
 */
public interface LifecycleSignals {

  /**
   * @param targetState the raw target lifecycle state, empty when the item is 404
   * @param spotInterruption whether a spot interruption notice is present
   * @param rebalance whether a rebalance recommendation is present
   */
  record Signals(Optional<String> targetState, boolean spotInterruption, boolean rebalance) {
    public TargetState target() {
      return TargetState.of(targetState);
    }
  }

  /** Reads all three; throws when instance metadata cannot be read. */
  Signals read() throws IOException;
}
