package io.muster.discovery;

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

  /** What this discovery looks at, for messages: "ASG web-prod (InService)". */
  String describe();
}
