package io.muster.discovery;

import io.muster.model.Peer;
import java.util.List;
import java.util.OptionalInt;

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

  /**
   * How many instances the fleet is meant to have, when the source knows it before they launch (an
   * Auto Scaling group's desired capacity), or empty. A pacing hint for a booting fleet, never a
   * decision: a fleet paces its store reads by its size, and the instances it can see lag the
   * instances launching. One call; the seed of a booting view asks once.
   *
   * <p>Default: empty, for sources that only know what is up (tags, a static list, DNS).
   *
   * @throws DiscoveryException as {@link #discover()}
   */
  default OptionalInt expectedSize() throws DiscoveryException {
    return OptionalInt.empty();
  }

  /** What this discovery looks at, for messages: "ASG web-prod (InService)". */
  String describe();
}
