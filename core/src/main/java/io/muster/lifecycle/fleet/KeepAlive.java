package io.muster.lifecycle.fleet;

import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleActions;
import io.muster.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While a hook command runs (it may take longer than the visibility timeout, the claim lease or the
 * hook's heartbeat timeout), a second thread keeps every message in hand hidden, the claim renewed
 * and, when configured, the action's heartbeat going. Closing it stops the thread before the caller
 * writes the record again, so the two never write at once.
 */
final class KeepAlive implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("lifecycle.controller");

  private final Thread thread;
  private final AtomicReference<ActionRecord> record;

  /**
   * @param held the messages to keep hidden (the one worked on and the rest of its batch)
   */
  KeepAlive(
      ActionQueue queue,
      List<ActionQueue.Message> held,
      ActionClaims claims,
      ActionRecord claim,
      LifecycleAction action,
      LifecycleActions actions,
      ControllerSettings settings,
      Clock clock,
      Sleeper sleeper) {
    this.record = new AtomicReference<>(claim);
    Duration every = settings.visibilityTimeout().dividedBy(3);
    Duration heartbeat = settings.heartbeatInterval();
    this.thread =
        new Thread(
            () -> {
              Instant nextHeartbeat = clock.instant().plus(heartbeat);
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  sleeper.sleep(every);
                } catch (InterruptedException e) {
                  return;
                }
                for (ActionQueue.Message m : held) {
                  try {
                    queue.changeVisibility(m, settings.visibilityTimeout());
                  } catch (RuntimeException e) {
                    LOG.warn("could not keep {} hidden: {}", m, e.getMessage());
                  }
                }
                try {
                  ActionRecord renewed =
                      record.get().renewed(clock.instant().plus(settings.claimLease()));
                  claims.update(renewed);
                  record.set(renewed);
                } catch (Exception e) {
                  LOG.warn("could not renew the claim on {}: {}", action, e.getMessage());
                }
                if (!heartbeat.isZero() && !clock.instant().isBefore(nextHeartbeat)) {
                  nextHeartbeat = clock.instant().plus(heartbeat);
                  try {
                    actions.heartbeat(action);
                  } catch (RuntimeException e) {
                    LOG.warn("heartbeat of {} failed: {}", action, e.getMessage());
                  }
                }
              }
            },
            "lifecycle-keepalive");
    thread.setDaemon(true);
    thread.start();
  }

  /** The claim as last renewed. */
  ActionRecord record() {
    return record.get();
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
