package io.muster.lifecycle.fleet;

import io.muster.lifecycle.LifecycleException;
import java.util.Optional;

/**
 * The seam to EC2's {@code DescribeInstances} for one instance's private address (the {@code aws}
 * module implements it). Lifecycle notifications carry only the instance id.
 */
public interface InstanceAddresses {
  /** No lookup: the address is known only from the store's registration. */
  InstanceAddresses NONE = id -> Optional.empty();

  /**
   * The instance's private IPv4 address (its IPv6 address when it has no IPv4 one), or empty while
   * EC2 does not describe the instance yet or it has no address yet (right after launch).
   *
   * @throws LifecycleException on an API error; {@link LifecycleException#retryable()} tells
   *     whether asking again can help
   */
  Optional<String> privateAddress(String instanceId);
}
