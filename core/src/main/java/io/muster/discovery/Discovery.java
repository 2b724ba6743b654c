package io.muster.discovery;

import io.muster.model.Peer;
import java.util.List;

/** One configured source of peers. Implementations make one pass per call and hold no view. */
public interface Discovery {
  /**
   * The current set of peers, self included when discovery is configured right.
   *
   * @throws DiscoveryException with a message that says what to do (missing IAM action, empty
   *     filter, unreachable endpoint)
   */
  List<Peer> discover() throws DiscoveryException;

  /**
   * A cheap pass, for deciding to wait and for finding members to join through: costs at most what
   * {@link #discover()} costs, may include instances that {@code discover()} would leave out (e.g.
   * an Auto Scaling lifecycle state such as Standby or Terminating:Wait), and never leaves out one
   * {@code discover()} would return at the same moment. Decisions that need the authoritative set
   * (forming a cluster) use {@code discover()}.
   *
   * <p>Default: {@code discover()}, for sources where the authoritative pass is already cheap.
   *
   * @throws DiscoveryException as {@link #discover()}
   */
  default List<Peer> list() throws DiscoveryException {
    return discover();
  }

  /** What this discovery looks at, for messages: "ASG web-prod (InService)". */
  String describe();
}
