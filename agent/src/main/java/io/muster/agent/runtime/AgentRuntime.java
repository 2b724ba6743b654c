package io.muster.agent.runtime;

import io.muster.agent.logging.LogEvent;
import io.muster.config.Durations;
import io.muster.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: starts its components in order, runs the periodic ones on the calling thread, each
 * when it is due, until {@link #stop()}, then stops them in reverse order.
 *
 * <p>{@link #stop()} may come from any thread (a shutdown hook on SIGTERM). It wakes the runtime at
 * once if it is waiting, but never interrupts a step in progress: a step may be halfway through a
 * join or a store write, and the stop of a later component (leave on shutdown) must not find the
 * thread interrupted. So a stop takes effect when the running step returns.
 *
 * <p>All waiting goes through the injected {@link Sleeper} and all scheduling through the injected
 * {@link Clock}, so tests drive the runtime on virtual time.
 */
public final class AgentRuntime {
  private static final Logger LOG = LoggerFactory.getLogger("agent");

  /** With no periodic component there is nothing to do but wait for the stop. */
  private static final Duration IDLE = Duration.ofDays(1);

  private final List<Component> components;
  private final Clock clock;
  private final Sleeper sleeper;
  private final IntFunction<Duration> afterFailures;
  private final LoopWatch watch;

  private final AtomicBoolean ran = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object lock = new Object();
  private boolean stopRequested; // guarded by lock
  private Thread waiting; // guarded by lock: the runner while it is inside the sleeper

  /**
   * @param components started in this order, stopped in reverse; the {@link PeriodicComponent}s
   *     among them are stepped
   * @param afterFailures how long to wait before stepping a component again after its step threw
   *     {@code n} times in a row (n = 1 after the first failure); capped by the caller
   */
  public AgentRuntime(
      List<? extends Component> components,
      Clock clock,
      Sleeper sleeper,
      IntFunction<Duration> afterFailures) {
    this(components, clock, sleeper, afterFailures, new LoopWatch());
  }

  /**
   * @param watch told what the loop is doing, for {@code /livez}
   */
  public AgentRuntime(
      List<? extends Component> components,
      Clock clock,
      Sleeper sleeper,
      IntFunction<Duration> afterFailures,
      LoopWatch watch) {
    this.components = List.copyOf(components);
    this.clock = clock;
    this.sleeper = sleeper;
    this.afterFailures = afterFailures;
    this.watch = watch;
  }

  /** The components, in start order. */
  public List<Component> components() {
    return components;
  }

  /**
   * Starts the components, runs until {@link #stop()} (or until this thread is interrupted), and
   * stops the started ones in reverse order. A component that fails to start is rethrown after the
   * ones started before it were stopped. Runs once.
   */
  public void run() throws Exception {
    if (!ran.compareAndSet(false, true)) {
      throw new IllegalStateException("an AgentRuntime runs once");
    }
    Deque<Component> started = new ArrayDeque<>();
    try {
      for (Component c : components) {
        c.start();
        started.push(c);
      }
      LOG.atInfo()
          .addKeyValue("event", LogEvent.AGENT_STARTED.kind())
          .log("started: {}", components.stream().map(Component::name).toList());
      runPeriodicUntilStopped();
      LOG.atInfo().addKeyValue("event", LogEvent.STOPPING.kind()).log("stopping");
    } finally {
      watch.stopped();
      stopInReverse(started);
      stopped.countDown();
    }
  }

  /**
   * Asks the runtime to stop; wakes it at once if it is waiting. Any thread, any number of times.
   */
  public void stop() {
    watch.stopRequested();
    synchronized (lock) {
      stopRequested = true;
      if (waiting != null) {
        waiting.interrupt();
      }
    }
  }

  /**
   * Waits until {@link #run()} has stopped every component, at most {@code timeout}.
   *
   * @return whether it had
   */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private boolean stopRequested() {
    synchronized (lock) {
      return stopRequested;
    }
  }

  private void runPeriodicUntilStopped() {
    List<PeriodicComponent> periodic =
        components.stream()
            .filter(PeriodicComponent.class::isInstance)
            .map(PeriodicComponent.class::cast)
            .toList();
    Schedule schedule = new Schedule(periodic, clock.instant());
    while (!stopRequested()) {
      if (schedule.isEmpty()) {
        watch.waitingUntil(clock.instant().plus(IDLE));
        pause(IDLE);
        continue;
      }
      Duration untilDue = Duration.between(clock.instant(), schedule.nextDue());
      if (untilDue.compareTo(Duration.ZERO) > 0) {
        watch.waitingUntil(schedule.nextDue());
        pause(untilDue);
        continue;
      }
      Schedule.Entry due = schedule.takeNext();
      watch.stepping(due.component.name(), clock.instant());
      Duration next = step(due);
      schedule.runAgainAt(due, clock.instant().plus(next));
    }
  }

  /** One step of a due component; a step that throws is logged and retried after a backoff. */
  private Duration step(Schedule.Entry entry) {
    PeriodicComponent c = entry.component;
    try {
      Duration next = c.step();
      entry.succeeded();
      return next.isNegative() ? Duration.ZERO : next;
    } catch (Exception e) {
      Duration retry = afterFailures.apply(entry.failed());
      // The message only: exception messages are written to be safe to log; the stack is for
      // debugging and may carry more than the component chose to say.
      LOG.error("{} failed: {}; retrying in {}", c.name(), e.toString(), Durations.format(retry));
      LOG.debug("{} failed", c.name(), e);
      return retry;
    }
  }

  /** Waits {@code d} through the sleeper, unless a stop was asked for; a stop ends it early. */
  private void pause(Duration d) {
    synchronized (lock) {
      if (stopRequested) {
        return;
      }
      waiting = Thread.currentThread();
    }
    try {
      sleeper.sleep(roundUpToMillis(d));
    } catch (InterruptedException e) {
      // stop() woke us, or the owner of this thread interrupted it: both mean stop.
      synchronized (lock) {
        stopRequested = true;
      }
    } finally {
      synchronized (lock) {
        waiting = null;
        // A stop() that came after the sleep ended but before this block may have interrupted us;
        // that interrupt was meant for the sleep only and must not reach a component.
        Thread.interrupted();
      }
    }
  }

  /** Sleepers wait whole milliseconds; rounding down would wake just before the due time. */
  private static Duration roundUpToMillis(Duration d) {
    Duration millis = Duration.ofMillis(d.toMillis());
    return millis.equals(d) ? d : millis.plusMillis(1);
  }

  private static void stopInReverse(Deque<Component> started) {
    while (!started.isEmpty()) {
      Component c = started.pop();
      try {
        c.stop();
      } catch (Exception e) {
        LOG.error("stopping {} failed: {}", c.name(), e.toString());
      }
    }
  }
}
