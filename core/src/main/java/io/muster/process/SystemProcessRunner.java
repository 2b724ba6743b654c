package io.muster.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands with {@link ProcessBuilder}; output is captured on background threads and masked
 * for known secrets ({@link SecretMask}) before anyone sees it.
 *
 * <p>A command never outlives its limit, nor the process: at its own timeout, at the deadline of
 * the whole operation ({@link #limitUntil}, e.g. {@code join --timeout}) or when muster is told to
 * stop ({@link #endRunning(boolean)}), the command and every process it started are ended. A script
 * that sleeps under a shell is a tree: killing the shell alone would leave the sleeper running.
 *
 * <p>One kind of command is the stop's own work: a lifecycle leave that an Auto Scaling terminate
 * hook waits for. Ending it when the agent is stopped mid-drain would turn a clean leave into a
 * failed one, so commands started inside {@link #sparedOnStop} are left to finish by a stop that
 * still runs commands ({@code endRunning(false)}); their timeout, the deadline, an interrupt of the
 * thread that runs them, and a stop before exit ({@code endRunning(true)}) still end them.
 */
public final class SystemProcessRunner implements ProcessRunner {
  private final Clock clock;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private volatile Instant deadline;
  private volatile String deadlineName;
  private volatile boolean ended;
  private final Set<Process> stopped = ConcurrentHashMap.newKeySet();
  private final Set<Process> spared = ConcurrentHashMap.newKeySet();
  private static final ThreadLocal<Boolean> SPARING = ThreadLocal.withInitial(() -> false);
  // Starting a command and a stop exclude each other, so no command starts unseen by a stop.
  private final Object lock = new Object();

  public SystemProcessRunner() {
    this(Clock.systemUTC());
  }

  public SystemProcessRunner(Clock clock) {
    this.clock = clock;
  }

  /**
   * Commands end no later than {@code deadline}, whatever their own timeout; one that would start
   * after it is not started.
   *
   * @param name what sets the deadline, for messages: "join.timeout / --timeout 5s"
   */
  public void limitUntil(Instant deadline, String name) {
    this.deadlineName = name;
    this.deadline = deadline;
  }

  /**
   * Ends every running command with its whole process tree (SIGTERM, SIGINT). Any thread.
   *
   * @param refuseNew whether commands started later are refused too: yes when the process exits
   *     next; no when it still has commands of its own to run as it stops (the agent's leave)
   */
  public void endRunning(boolean refuseNew) {
    List<Process> now;
    synchronized (lock) {
      if (refuseNew) {
        ended = true;
      }
      now = new ArrayList<>();
      for (Process p : running) {
        if (refuseNew || !spared.contains(p)) {
          now.add(p);
        }
      }
      stopped.addAll(now);
    }
    // Plain loops, no lambdas: this runs as the agent stops, racing the JVM's exit, and a lambda
    // class made here or not would make the package's trained class list differ between builds.
    for (Process p : now) {
      endTree(p);
    }
  }

  /**
   * Runs {@code work} on this thread with every command it starts spared by a stop that still runs
   * commands ({@code endRunning(false)}): the stop's own work, such as a lifecycle leave.
   */
  public static <T> T sparedOnStop(Callable<T> work) throws Exception {
    boolean outer = SPARING.get();
    SPARING.set(true);
    try {
      return work.call();
    } finally {
      SPARING.set(outer);
    }
  }

  /** How many commands are running now (tests). */
  public int runningCount() {
    return running.size();
  }

  @Override
  public ProcessResult run(Command command) throws CommandException {
    Duration timeout = command.timeout();
    boolean byDeadline = false;
    Instant limit = deadline;
    if (limit != null) {
      Duration left = Duration.between(clock.instant(), limit);
      if (left.isNegative() || left.isZero()) {
        throw new CommandException(
            "`" + command.display() + "` not started: the " + deadlineName + " deadline passed");
      }
      if (left.compareTo(timeout) < 0) {
        timeout = left;
        byDeadline = true;
      }
    }
    ProcessBuilder pb = new ProcessBuilder(command.argv());
    pb.environment().putAll(command.env());
    Process p;
    try {
      synchronized (lock) {
        if (ended) {
          throw new CommandException("`" + command.display() + "` not started: muster is stopping");
        }
        p = pb.start();
        running.add(p);
        if (SPARING.get()) {
          spared.add(p);
        }
      }
    } catch (IOException e) {
      throw new CommandException(
          "could not run `"
              + command.display()
              + "`: "
              + e.getMessage()
              + " (is "
              + command.argv().get(0)
              + " installed and on PATH?)",
          e);
    }
    try {
      return await(command, p, timeout, byDeadline);
    } finally {
      running.remove(p);
      spared.remove(p);
    }
  }

  private ProcessResult await(Command command, Process p, Duration timeout, boolean byDeadline)
      throws CommandException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread o = pump(p.getInputStream(), out);
    Thread e = pump(p.getErrorStream(), err);
    try (OutputStream in = p.getOutputStream()) {
      if (command.stdin() != null) {
        in.write(command.stdin().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException ignored) {
      // The process may exit without reading stdin.
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        endTree(p);
        throw new CommandException(
            "`"
                + command.display()
                + "` did not finish within "
                + seconds(timeout)
                + (byDeadline ? " (the " + deadlineName + " deadline)" : "")
                + "; it was ended with every process it started");
      }
      // A process it left behind may hold the pipes open: do not wait for it.
      o.join(2000);
      e.join(2000);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      endTree(p);
      throw new CommandException("interrupted while running `" + command.display() + "`", ie);
    }
    if (stopped.remove(p)) {
      throw new CommandException(
          "`" + command.display() + "` was ended because muster is stopping");
    }
    return new ProcessResult(
        p.exitValue(),
        SecretMask.mask(out.toString(StandardCharsets.UTF_8)),
        SecretMask.mask(err.toString(StandardCharsets.UTF_8)));
  }

  /**
   * Kills {@code p} and everything it started. The tree is listed before anything is killed: once
   * the parent is gone its children belong to init and are no longer its descendants.
   */
  static void endTree(Process p) {
    List<ProcessHandle> tree = p.descendants().toList();
    p.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    // Children may have forked again while the first ones were killed.
    p.descendants().forEach(ProcessHandle::destroyForcibly);
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0
        ? ms / 1000 + " s"
        : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(sink);
              } catch (IOException ignored) {
                // Stream closed when the process died.
              }
            },
            "process-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
