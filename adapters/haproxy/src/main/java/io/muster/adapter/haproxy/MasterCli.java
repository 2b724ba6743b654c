package io.muster.adapter.haproxy;

import io.muster.adapter.AdapterException;
import io.muster.adapter.haproxy.RuntimeReplies.MasterStatus;
import io.muster.time.Sleeper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Reloads HAProxy through the master CLI. HAProxy 2.6 answers {@code reload} with nothing and
 * re-executes the master, so success is read back from {@code show proc}: the reload counter moved
 * on and no failure is counted. A reload with a broken configuration leaves the old worker serving.
 */
final class MasterCli {
  static final Duration POLL = Duration.ofMillis(100);

  private final RuntimeApi master;
  private final Clock clock;
  private final Sleeper sleeper;

  MasterCli(RuntimeApi master, Clock clock, Sleeper sleeper) {
    this.master = master;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  MasterStatus status() throws AdapterException {
    String reply;
    try {
      reply = master.execute("show proc");
    } catch (IOException e) {
      throw unreachable(e);
    }
    try {
      return RuntimeReplies.proc(reply);
    } catch (IllegalArgumentException e) {
      throw new AdapterException(
          "unexpected reply to `show proc` on the HAProxy master CLI at "
              + master.describe()
              + ": \""
              + e.getMessage()
              + "\". Check that adapter.haproxy.master-socket is the socket given to haproxy -S",
          false);
    }
  }

  /** Reloads and waits until a new worker runs the new configuration. */
  void reload(Duration timeout) throws AdapterException {
    MasterStatus before = status();
    try {
      master.execute("reload");
    } catch (IOException e) {
      throw unreachable(e);
    }
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      MasterStatus now = null;
      try {
        now = status();
      } catch (AdapterException e) {
        // The master re-executes itself during a reload and may not accept for a moment.
      }
      if (now != null && now.reloads() > before.reloads()) {
        if (now.failed() > 0) {
          throw new AdapterException(
              "HAProxy's master refused the reload (show proc counts "
                  + now.failed()
                  + " failed reload(s)); the previous workers keep serving the old configuration."
                  + " See HAProxy's log (journalctl -u haproxy) for the reason",
              false);
        }
        if (now.workers().stream().anyMatch(w -> !before.workers().contains(w))) {
          return;
        }
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new AdapterException(
            "HAProxy did not finish reloading within "
                + timeout.toSeconds()
                + " s (master CLI "
                + master.describe()
                + ", last show proc: "
                + now
                + ")",
            true);
      }
      try {
        sleeper.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AdapterException("interrupted while waiting for HAProxy to reload", true, e);
      }
    }
  }

  private AdapterException unreachable(IOException e) {
    return new AdapterException(
        "cannot reach the HAProxy master CLI at "
            + master.describe()
            + ": "
            + e.getMessage()
            + ". Check that HAProxy runs in master-worker mode with -S "
            + master.describe()
            + " (adapter.haproxy.master-socket)",
        true,
        e);
  }
}
