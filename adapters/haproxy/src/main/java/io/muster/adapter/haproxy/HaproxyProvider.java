package io.muster.adapter.haproxy;

import io.muster.adapter.Adapter;
import io.muster.adapter.AdapterProvider;
import io.muster.config.Constraints;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.plugin.PluginContext;
import io.muster.plugin.Preflight;
import io.muster.time.Deadline;
import java.time.Duration;
import java.util.List;

/**
 * {@code haproxy}: keeps the servers of one HAProxy backend equal to the cluster membership,
 * through the Runtime API (no reload) and a managed block in the configuration (so a reload keeps
 * them). It follows membership only; it never joins anything.
 */
public final class HaproxyProvider implements AdapterProvider {
  public static final String NAME = "haproxy";

  public static final Key BACKEND =
      Key.of(
              "adapter.haproxy.backend",
              Key.Kind.STRING,
              null,
              "HAProxy backend whose servers muster owns and keeps equal to the membership.")
          .requiredWhen(CoreKeys.ADAPTER_NAME, "haproxy");
  public static final Key SERVER_PORT =
      Key.of(
              "adapter.haproxy.server-port",
              Key.Kind.INT,
              null,
              "Port of every server when discovery gives none (DNS SRV records give one per peer).")
          .constrained(Constraints.between(1, 65535));
  public static final Key SERVER_OPTIONS =
      Key.of(
          "adapter.haproxy.server-options",
          Key.Kind.STRING,
          null,
          "Options of every server line and 'add server', e.g. 'check inter 2s'; HAProxy 2.6 does"
              + " not apply default-server to servers added at runtime, so put them here.");
  public static final Key RUNTIME_SOCKET =
      Key.of(
          "adapter.haproxy.runtime-socket",
          Key.Kind.STRING,
          "/run/haproxy/admin.sock",
          "HAProxy stats socket declared with 'level admin' (the Runtime API).");
  public static final Key MASTER_SOCKET =
      Key.of(
          "adapter.haproxy.master-socket",
          Key.Kind.STRING,
          null,
          "HAProxy master CLI socket (-S); used only to reload when server options change."
              + " Debian's unit starts HAProxy with -S /run/haproxy-master.sock.");
  public static final Key MAIN_CONFIG =
      Key.of(
          "adapter.haproxy.main-config",
          Key.Kind.STRING,
          "/etc/haproxy/haproxy.cfg",
          "HAProxy's main configuration (file or directory), validated before every change.");
  public static final Key CONFIG_FILE =
      Key.of(
          "adapter.haproxy.config-file",
          Key.Kind.STRING,
          null,
          "File holding the 'backend' section with muster's managed server block; default: the"
              + " main configuration.");
  public static final Key DRAIN_TIMEOUT =
      Key.of(
              "adapter.haproxy.drain-timeout",
              Key.Kind.DURATION,
              "30s",
              "How long a leaving server drains its sessions before the rest are cut.")
          .constrained(Constraints.between(Duration.ZERO, Duration.ofHours(1)));
  public static final Key SOCKET_TIMEOUT =
      Key.of(
              "adapter.haproxy.socket-timeout",
              Key.Kind.DURATION,
              "10s",
              "How long one Runtime API or master CLI command may take, connecting included; a"
                  + " hung HAProxy then fails the change with a message and muster retries it at"
                  + " the next poll. join --timeout, when sooner, bounds it too.")
          .constrained(Constraints.between(Duration.ofMillis(100), Duration.ofMinutes(5)));
  public static final Key CHECK_COMMAND =
      Key.of(
          "adapter.haproxy.check-command",
          Key.Kind.LIST,
          "haproxy,-c,-f,{main-config}",
          "Command that validates the configuration; {main-config} is replaced by"
              + " adapter.haproxy.main-config. By default '-f <config-file>' is appended when the"
              + " config file lies outside the main configuration.");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String section() {
    return "Adapter: haproxy";
  }

  @Override
  public List<Key> keys() {
    return List.of(
        BACKEND,
        SERVER_PORT,
        SERVER_OPTIONS,
        RUNTIME_SOCKET,
        MASTER_SOCKET,
        MAIN_CONFIG,
        CONFIG_FILE,
        DRAIN_TIMEOUT,
        SOCKET_TIMEOUT,
        CHECK_COMMAND);
  }

  @Override
  public boolean joinsClusters() {
    return false;
  }

  /** The command that validates every change must exist; HAProxy's sockets may appear later. */
  @Override
  public void preflight(Preflight check) {
    check.executable(CHECK_COMMAND);
  }

  @Override
  public Adapter create(PluginContext context) {
    HaproxySettings settings = HaproxySettings.from(context.settings());
    Duration timeout = context.settings().duration(SOCKET_TIMEOUT);
    // The operation's deadline (join --timeout) caps every socket call; the agent sets none.
    Deadline deadline = context.shared().get(Deadline.class, () -> new Deadline(context.clock()));
    RuntimeApi runtime =
        new UnixSocketRuntimeApi(
            settings.runtimeSocket(), timeout, SOCKET_TIMEOUT.name(), deadline);
    RuntimeApi master =
        settings.masterSocket() == null
            ? null
            : new UnixSocketRuntimeApi(
                settings.masterSocket(), timeout, SOCKET_TIMEOUT.name(), deadline);
    return new HaproxyFollower(
        settings, runtime, master, context.processes(), context.clock(), context.sleeper());
  }
}
