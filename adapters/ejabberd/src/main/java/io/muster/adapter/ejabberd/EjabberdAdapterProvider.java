package io.muster.adapter.ejabberd;

import io.muster.adapter.Adapter;
import io.muster.adapter.AdapterProvider;
import io.muster.config.Constraints;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.credentials.HandoffFiles;
import io.muster.plugin.PluginContext;
import io.muster.plugin.Preflight;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ejabberd}: clusters ejabberd nodes through {@code ejabberdctl} and a shared Erlang cookie.
 * Declares the adapter's keys (once, here) and builds {@link EjabberdAdapter}.
 */
public final class EjabberdAdapterProvider implements AdapterProvider {

  public static final Key CTL =
      Key.of(
          "adapter.ejabberd.ctl",
          Key.Kind.LIST,
          "ejabberdctl",
          "Command that runs ejabberdctl, as an argument list: e.g."
              + " ejabberdctl,--config-dir,/etc/ejabberd-n1 or nsenter,--net=/run/netns/x,ejabberdctl.");
  public static final Key ERL_CALL =
      Key.of(
          "adapter.ejabberd.erl-call",
          Key.Kind.LIST,
          "erl_call",
          "Command that runs Erlang's erl_call (Debian: erlang-base, installed with ejabberd), as an"
              + " argument list. Before joining through a member, muster asks that member's Mnesia"
              + " which nodes its cluster has; it asks this node whether ejabberd is started and"
              + " which nodes it lists, and switches a running node's cookie without a restart (no"
              + " Erlang VM is booted for any of it).");
  public static final Key NODE_NAME =
      Key.of(
          "adapter.ejabberd.node-name",
          Key.Kind.STRING,
          "ejabberd@{hostname}",
          "Erlang node name of a peer's ejabberd (ERLANG_NODE in ejabberdctl.cfg); placeholders"
              + " {hostname}, {short-hostname}, {address}.");
  public static final Key COOKIE_FILE =
      Key.of(
          "adapter.ejabberd.cookie-file",
          Key.Kind.STRING,
          "/var/lib/ejabberd/.erlang.cookie",
          "The Erlang cookie file ejabberd reads ($HOME/.erlang.cookie of the ejabberd user).");
  public static final Key COOKIE_OWNER =
      Key.of(
          "adapter.ejabberd.cookie-owner",
          Key.Kind.STRING,
          "ejabberd",
          "User that owns the cookie file (the user ejabberd runs as).");
  public static final Key COOKIE_MODE =
      Key.of(
              "adapter.ejabberd.cookie-mode",
              Key.Kind.STRING,
              "0400",
              "Octal mode of the cookie file; Erlang refuses a cookie readable by group or others.")
          .constrained(
              Constraints.matching(
                  "0?[0-7]{3}",
                  "an octal mode such as 0400", "not an octal file mode", "Write it like 0400"));
  public static final Key RESTART =
      Key.of(
          "adapter.ejabberd.restart",
          Key.Kind.LIST,
          "systemctl,restart,ejabberd",
          "Command (argument list) that (re)starts ejabberd after its cookie changed or when it is"
              + " not running.");
  public static final Key START_TIMEOUT =
      Key.of(
              "adapter.ejabberd.start-timeout",
              Key.Kind.DURATION,
              "60s",
              "How long to wait for ejabberd to report 'started' after a (re)start; also the limit of"
                  + " each quick ejabberdctl command.")
          .constrained(Constraints.between(Duration.ofSeconds(1), Duration.ofHours(1)));
  public static final Key JOIN_TIMEOUT =
      Key.of(
              "adapter.ejabberd.join-timeout",
              Key.Kind.DURATION,
              "120s",
              "How long one join_cluster or leave_cluster, and the check that follows it, may take.")
          .constrained(Constraints.between(Duration.ofSeconds(1), Duration.ofHours(1)));

  @Override
  public String name() {
    return "ejabberd";
  }

  @Override
  public String section() {
    return "Adapter: ejabberd";
  }

  @Override
  public List<Key> keys() {
    return List.of(
        CTL,
        ERL_CALL,
        NODE_NAME,
        COOKIE_FILE,
        COOKIE_OWNER,
        COOKIE_MODE,
        RESTART,
        START_TIMEOUT,
        JOIN_TIMEOUT);
  }

  /** The commands muster runs must exist; ejabberd itself may start later. */
  @Override
  public void preflight(Preflight check) {
    check.executable(CTL);
    check.executable(ERL_CALL);
    check.executable(RESTART);
  }

  @Override
  public Adapter create(PluginContext context) {
    EjabberdSettings settings = EjabberdSettings.from(context.settings());
    // The cookie's hand-off files under state.dir, never /tmp (cleaned at next start).
    Path handoff =
        HandoffFiles.base(Path.of(context.settings().string(CoreKeys.STATE_DIR, "a directory")));
    // The per-command debug lines go to the adapter's logger, as ejabberdctl's do.
    Logger log = LoggerFactory.getLogger(EjabberdAdapter.class);
    return new EjabberdAdapter(
        settings,
        context.identity(),
        context.processes(),
        context.clock(),
        context.sleeper(),
        new PosixCookieFile(settings.cookieFile(), settings.cookieOwner(), settings.cookieMode()),
        new SocketEpmdProbe(),
        new ErlCallMnesia(
            settings,
            context.processes(),
            // The cookie's hand-off file under state.dir, never /tmp (cleaned at next start).
            HandoffFiles.base(
                Path.of(context.settings().string(CoreKeys.STATE_DIR, "a directory")))),
        new ErlCallLocalNode(
            new ErlCall(settings, context.processes(), handoff, context.clock(), log),
            settings.cookieFile()),
        log);
  }
}
