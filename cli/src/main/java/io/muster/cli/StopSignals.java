package io.muster.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * How {@code muster agent} answers the signals a service manager sends. The JVM's default is to run
 * the shutdown hooks and then exit 128+signal (143 for SIGTERM), whatever the hooks did; a service
 * stopped cleanly must exit 0, as the README and the systemd units say. So SIGTERM and SIGINT only
 * ask the runtime to stop, and the command returns its own exit code once it has. SIGHUP (a closed
 * terminal, or {@code systemctl reload}) would kill the JVM with 129: it is logged and ignored,
 * since nothing the agent holds can be re-read safely while it runs.
 */
final class StopSignals {
  private static final Logger LOG = LoggerFactory.getLogger("agent");

  private StopSignals() {}

  /**
   * Routes SIGTERM and SIGINT to {@code stop} and ignores SIGHUP.
   *
   * @return false when this JVM does not let us handle a signal (e.g. started with -Xrs): the
   *     caller keeps its shutdown hook, and a stop then exits 143 as before
   */
  static boolean install(Runnable stop) {
    try {
      Signal.handle(
          new Signal("TERM"),
          s -> {
            LOG.info("SIGTERM received: stopping");
            stop.run();
          });
      Signal.handle(
          new Signal("INT"),
          s -> {
            LOG.info("SIGINT received: stopping");
            stop.run();
          });
      Signal.handle(
          new Signal("HUP"),
          s ->
              LOG.info(
                  "SIGHUP received and ignored: restart the agent to apply a changed configuration"));
      return true;
    } catch (IllegalArgumentException | IllegalStateException e) {
      LOG.warn("cannot handle signals in this JVM ({}); SIGTERM will exit 143", e.getMessage());
      return false;
    }
  }
}
