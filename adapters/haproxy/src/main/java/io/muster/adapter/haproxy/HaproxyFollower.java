package io.muster.adapter.haproxy;

import io.muster.adapter.AdapterException;
import io.muster.adapter.MembershipFollower;
import io.muster.model.Peer;
import io.muster.process.ProcessRunner;
import io.muster.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one HAProxy backend's servers equal to the membership, without reloading HAProxy.
 *
 * <p>On every change (and on the first call, which repairs a HAProxy that lost runtime-added
 * servers in a reload or restart):
 *
 * <ol>
 *   <li>render the managed block of the config file with the new list; if that changes the file,
 *       validate it with the check command and replace it atomically, so a later reload or restart
 *       keeps the servers. A rejected file stops everything here: nothing is applied and the old
 *       file stays;
 *   <li>reload through the master CLI only when a staying server's options changed, which the
 *       Runtime API cannot apply;
 *   <li>compare the running backend ({@code show servers state}) with the membership and apply the
 *       plan through the Runtime API: add and enable new servers, move changed endpoints (drained
 *       first when another server serves meanwhile), re-enable members left in maint, drain leaving
 *       servers until their sessions end (or the drain timeout), then put them in maint and delete
 *       them.
 * </ol>
 */
public final class HaproxyFollower implements MembershipFollower {
  private static final Logger LOG = LoggerFactory.getLogger(HaproxyFollower.class);

  static final Duration DRAIN_POLL = Duration.ofMillis(50);

  /** After the drain timeout, how long {@code del server} may wait for connections to close. */
  static final Duration DELETE_GRACE = Duration.ofSeconds(10);

  static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(60);

  private final HaproxySettings settings;
  private final RuntimeCommands runtime;
  private final MasterCli master;
  private final ConfigInstaller config;
  private final Clock clock;
  private final Sleeper sleeper;

  /**
   * @param master the master CLI, or null when none is configured
   */
  public HaproxyFollower(
      HaproxySettings settings,
      RuntimeApi runtime,
      RuntimeApi master,
      ProcessRunner processes,
      Clock clock,
      Sleeper sleeper) {
    this.settings = settings;
    this.runtime = new RuntimeCommands(runtime, settings.backend());
    this.master = master == null ? null : new MasterCli(master, clock, sleeper);
    this.config = new ConfigInstaller(processes, settings.checkCommand(), settings.configFile());
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public String name() {
    return HaproxyProvider.NAME;
  }

  @Override
  public synchronized void membersChanged(List<Peer> members) throws AdapterException {
    List<DesiredServer> desired = DesiredServer.of(members, settings.serverPort());
    boolean reload = persist(desired);
    if (reload) {
      reload();
    }
    List<Action> plan = Reconciler.plan(desired, runtime.servers());
    apply(plan);
  }

  /**
   * Writes the list into the managed block.
   *
   * @return whether a reload is needed to apply it
   */
  private boolean persist(List<DesiredServer> desired) throws AdapterException {
    String old = config.read();
    ManagedConfig block = ManagedConfig.parse(old, settings.backend(), settings.configFile());
    String text = block.render(desired, settings.serverOptions());
    if (text.equals(old)) {
      return false;
    }
    config.install(text);
    LOG.info(
        "haproxy: wrote {} server(s) of backend {} to {}",
        desired.size(),
        settings.backend(),
        settings.configFile());
    return block.optionsDiffer(desired, settings.serverOptions());
  }

  private void reload() throws AdapterException {
    if (master == null) {
      LOG.warn(
          "haproxy: the server options of backend {} changed to '{}'; running servers keep the old"
              + " ones until HAProxy reloads (set adapter.haproxy.master-socket to let muster"
              + " reload, or run: systemctl reload haproxy)",
          settings.backend(),
          settings.serverOptions());
      return;
    }
    LOG.info("haproxy: server options changed; reloading through the master CLI");
    master.reload(RELOAD_TIMEOUT);
  }

  private void apply(List<Action> plan) throws AdapterException {
    List<String> leaving = new ArrayList<>();
    for (Action a : plan) {
      LOG.info("haproxy: {} {}/{}", a.describe(), settings.backend(), a.name());
      if (a instanceof Action.Add add) {
        runtime.add(add.server(), settings.serverOptions());
        enableChecks(a.name());
        runtime.enableServer(a.name());
      } else if (a instanceof Action.SetAddress move) {
        move(move);
      } else if (a instanceof Action.Ready) {
        enableChecks(a.name());
        runtime.setState(a.name(), "ready");
      } else {
        leaving.add(a.name());
      }
    }
    if (!leaving.isEmpty()) {
      remove(leaving);
    }
  }

  private void enableChecks(String name) throws AdapterException {
    if (settings.healthChecks()) {
      runtime.enableHealth(name);
    }
    if (settings.agentChecks()) {
      runtime.enableAgent(name);
    }
  }

  private void move(Action.SetAddress move) throws AdapterException {
    String name = move.name();
    if (!move.drainFirst()) {
      runtime.setAddress(move.server());
      return;
    }
    runtime.setState(name, "drain");
    drain(List.of(name));
    // Maintenance also closes the server's pooled idle connections, which would otherwise keep
    // carrying requests to the old endpoint.
    runtime.setState(name, "maint");
    runtime.setAddress(move.server());
    enableChecks(name);
    runtime.setState(name, "ready");
  }

  /** Drains all leaving servers together, so N removals take one drain, not N. */
  private void remove(List<String> leaving) throws AdapterException {
    for (String name : leaving) {
      runtime.setState(name, "drain");
    }
    drain(leaving);
    Instant last = clock.instant().plus(DELETE_GRACE);
    for (String name : leaving) {
      runtime.setState(name, "maint");
      while (!runtime.delete(name)) {
        // Sessions cut a moment ago, or idle keep-alive connections, still hold the server.
        if (!clock.instant().isBefore(last)) {
          throw new AdapterException(
              "HAProxy still holds connections to "
                  + settings.backend()
                  + "/"
                  + name
                  + " "
                  + DELETE_GRACE.toSeconds()
                  + " s after draining; it stays in maintenance (no traffic) and muster deletes"
                  + " it on the next change",
              true);
        }
        sleep(DRAIN_POLL);
      }
    }
  }

  /**
   * Waits until the (already draining) servers have no session left, at most the drain timeout,
   * then cuts what remains.
   */
  private void drain(List<String> draining) throws AdapterException {
    Instant deadline = clock.instant().plus(settings.drainTimeout());
    List<String> busy = busy(draining);
    while (!busy.isEmpty() && clock.instant().isBefore(deadline)) {
      sleep(DRAIN_POLL);
      busy = busy(busy);
    }
    for (String name : busy) {
      LOG.warn(
          "haproxy: {}/{} still has sessions after adapter.haproxy.drain-timeout ({}); cutting them",
          settings.backend(),
          name,
          settings.drainTimeout());
      runtime.shutdownSessions(name);
    }
  }

  private List<String> busy(List<String> names) throws AdapterException {
    Map<String, Integer> sessions = runtime.sessions();
    return names.stream().filter(n -> sessions.getOrDefault(n, 0) > 0).toList();
  }

  private void sleep(Duration d) throws AdapterException {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdapterException("interrupted while draining HAProxy servers", true, e);
    }
  }
}
