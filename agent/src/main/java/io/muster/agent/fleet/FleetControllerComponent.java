package io.muster.agent.fleet;

import io.muster.agent.runtime.PeriodicComponent;
import io.muster.lifecycle.fleet.ActionQueue;
import io.muster.lifecycle.fleet.ControllerSettings;
import io.muster.lifecycle.fleet.MessageHandler;
import io.muster.lifecycle.fleet.Reconciler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's loop as an agent component: each step receives one batch (a long poll, which
 * paces the loop) and hands the messages to the {@link MessageHandler} one after the other. A
 * message whose handling fails is left on the queue: it comes back after its visibility timeout,
 * and its record in the store says how far it got.
 */
public final class FleetControllerComponent implements PeriodicComponent {
  private static final Logger LOG = LoggerFactory.getLogger("lifecycle.controller");

  /** How often finished actions' records are swept (each sweep lists every record once). */
  static final Duration SWEEP_EVERY = Duration.ofHours(6);

  private final ActionQueue queue;
  private final MessageHandler handler;
  private final ControllerSettings settings;
  private final Clock clock;
  private final Optional<Reconciler> reconciler;
  private Instant nextSweep;
  private Instant nextReconcile;

  public FleetControllerComponent(
      ActionQueue queue, MessageHandler handler, ControllerSettings settings, Clock clock) {
    this(queue, handler, settings, clock, Optional.empty());
  }

  /**
   * @param reconciler the periodic reconcile, run every {@code reconcile-interval} between receives
   *     (the first one at start: a controller that was down for a while catches up at once)
   */
  public FleetControllerComponent(
      ActionQueue queue,
      MessageHandler handler,
      ControllerSettings settings,
      Clock clock,
      Optional<Reconciler> reconciler) {
    this.queue = queue;
    this.handler = handler;
    this.settings = settings;
    this.clock = clock;
    this.reconciler = reconciler;
    this.nextSweep = clock.instant();
    this.nextReconcile = clock.instant();
  }

  @Override
  public String name() {
    return "lifecycle controller";
  }

  @Override
  public void start() {
    LOG.info(
        "lifecycle controller {} consuming {} (visibility {}s, claim lease {}s)",
        settings.controllerId(),
        queue.describe(),
        settings.visibilityTimeout().toSeconds(),
        settings.claimLease().toSeconds());
    if (reconciler.isPresent()) {
      LOG.info(
          "reconciling groups {} every {}s",
          settings.groups(),
          settings.reconcileInterval().toSeconds());
    } else {
      LOG.info(
          "no reconcile: an action whose notification is lost waits for its heartbeat timeout"
              + " (set lifecycle.controller.groups to reconcile)");
    }
  }

  /** Throws when the receive itself fails: the runtime retries after its backoff. */
  @Override
  public Duration step() throws InterruptedException {
    if (!clock.instant().isBefore(nextSweep)) {
      nextSweep = clock.instant().plus(SWEEP_EVERY);
      try {
        handler.sweep();
      } catch (Exception e) {
        LOG.warn("could not sweep old lifecycle records: {}; next try in 6h", e.getMessage());
      }
    }
    if (reconciler.isPresent() && !clock.instant().isBefore(nextReconcile)) {
      nextReconcile = clock.instant().plus(settings.reconcileInterval());
      Reconciler.Counts c = reconciler.get().run();
      LOG.debug(
          "reconcile: {} actions waiting, {} acted on, {} failed",
          c.waiting(),
          c.acted(),
          c.failed());
    }
    List<ActionQueue.Message> batch =
        queue.receive(settings.batchSize(), settings.waitTime(), settings.visibilityTimeout());
    for (int i = 0; i < batch.size(); i++) {
      ActionQueue.Message m = batch.get(i);
      try {
        handler.handle(m, batch.subList(i + 1, batch.size()));
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        LOG.error(
            "{} not handled: {}; it comes back after the visibility timeout", m, e.getMessage());
      }
    }
    return Duration.ZERO;
  }
}
