package io.muster.lifecycle.fleet;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.StoreException;
import io.muster.lifecycle.LifecycleException;
import io.muster.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code MUSTER_PRIVATE_ADDRESS} for a hook command: the address the instance registered in the
 * store (a member being terminated), else EC2's {@code DescribeInstances} by id (a launching
 * instance has not registered yet). Right after launch EC2 may not describe the instance yet, so a
 * missing instance or address is asked again every {@link #SPACING} for up to {@code
 * lifecycle.controller.address-wait}; after that, or on a permanent error, the hook runs with an
 * empty address (logged).
 */
final class HookAddresses {
  private static final Logger LOG = LoggerFactory.getLogger("lifecycle.controller");
  static final Duration SPACING = Duration.ofSeconds(2);

  private final CredentialStore store;
  private final InstanceAddresses ec2;
  private final Duration wait;
  private final Clock clock;
  private final Sleeper sleeper;

  HookAddresses(
      CredentialStore store, InstanceAddresses ec2, Duration wait, Clock clock, Sleeper sleeper) {
    this.store = store;
    this.ec2 = ec2;
    this.wait = wait;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  Optional<String> of(String instanceId) throws InterruptedException {
    try {
      Optional<String> registered = store.member(instanceId).map(MemberRecord::address);
      if (registered.isPresent()) {
        return registered;
      }
    } catch (StoreException e) {
      LOG.warn("could not read the registration of {}: {}", instanceId, e.getMessage());
    }
    if (wait.isZero() || ec2 == InstanceAddresses.NONE) {
      return Optional.empty();
    }
    Instant giveUp = clock.instant().plus(wait);
    String last = "EC2 does not describe it (yet)";
    while (true) {
      try {
        Optional<String> found = ec2.privateAddress(instanceId);
        if (found.isPresent()) {
          return found;
        }
      } catch (LifecycleException e) {
        if (!e.retryable()) {
          LOG.error(
              "could not look up the address of {}: {}; MUSTER_PRIVATE_ADDRESS is empty",
              instanceId,
              e.getMessage());
          return Optional.empty();
        }
        last = e.getMessage();
      }
      if (!clock.instant().plus(SPACING).isBefore(giveUp)) {
        LOG.warn(
            "no private address of {} within {}s ({}); MUSTER_PRIVATE_ADDRESS is empty",
            instanceId,
            wait.toSeconds(),
            last);
        return Optional.empty();
      }
      sleeper.sleep(SPACING);
    }
  }
}
