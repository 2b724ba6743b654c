package io.muster.aws.lifecycle;

import io.muster.lifecycle.LifecycleSignals;
import io.muster.node.InstanceMetadata;
import java.io.IOException;
import java.util.Optional;

/**
 * {@link LifecycleSignals} from instance metadata (IMDSv2, through muster's own client). Each item
 * is 404 when there is nothing to say: no transition yet, no interruption, no recommendation.
 */
public final class ImdsLifecycleSignals implements LifecycleSignals {
  public static final String TARGET_STATE = "autoscaling/target-lifecycle-state";
  public static final String SPOT_ACTION = "spot/instance-action";
  public static final String REBALANCE = "events/recommendations/rebalance";

  private final InstanceMetadata imds;
  private final boolean readSpot;
  private final boolean readRebalance;

  /**
   * @param readSpot whether to read the spot notice at all (one GET fewer per poll when not)
   * @param readRebalance whether to read the rebalance recommendation
   */
  public ImdsLifecycleSignals(InstanceMetadata imds, boolean readSpot, boolean readRebalance) {
    this.imds = imds;
    this.readSpot = readSpot;
    this.readRebalance = readRebalance;
  }

  @Override
  public Signals read() throws IOException {
    Optional<String> target = imds.get(TARGET_STATE);
    boolean spot = readSpot && imds.get(SPOT_ACTION).isPresent();
    boolean rebalance = readRebalance && imds.get(REBALANCE).isPresent();
    return new Signals(target, spot, rebalance);
  }
}
