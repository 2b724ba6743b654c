package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.config.Key;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The ejabberdctl commands the adapter runs, through {@link ProcessRunner} (argv only: the cookie
 * is never passed, ejabberdctl's Erlang VM reads it from the cookie file). Turns "could not run"
 * and timeouts into messages naming the key to change.
 */
final class Ejabberdctl {

  /** What {@code ejabberdctl status} says, by exit code. */
  enum Status {
    /** 0: the node runs and the ejabberd application is started. */
    RUNNING,
    /** 1: the Erlang VM is up but the application is not (yet) started. */
    STARTING,
    /** 3: no node answers (not running, or it has another cookie than the file). */
    DOWN
  }

  private final EjabberdSettings settings;
  private final ProcessRunner runner;
  private final Clock clock;
  private final Logger log;

  Ejabberdctl(EjabberdSettings settings, ProcessRunner runner, Clock clock, Logger log) {
    this.settings = settings;
    this.runner = runner;
    this.clock = clock;
    this.log = log;
  }

  /**
   * Runs {@code c} and logs (debug) how long it took: every ejabberdctl call boots an Erlang VM,
   * and these lines are how a slow join is taken apart (scripts/e2e-step-times.py).
   */
  private ProcessResult run(Command c) throws CommandException {
    Instant t0 = clock.instant();
    ProcessResult r = runner.run(c);
    log.debug(
        "`{}` exited {} after {} ms",
        c.display(),
        r.exitCode(),
        Duration.between(t0, clock.instant()).toMillis());
    return r;
  }

  /** The full argv of {@code ejabberdctl args...}. */
  List<String> argv(String... args) {
    List<String> argv = new ArrayList<>(settings.ctl());
    argv.addAll(List.of(args));
    return argv;
  }

  String display(String... args) {
    return String.join(" ", argv(args));
  }

  Status status() throws AdapterException {
    ProcessResult r = ctl(EjabberdAdapterProvider.START_TIMEOUT, "status");
    return switch (r.exitCode()) {
      case 0 -> Status.RUNNING;
      case 1 -> Status.STARTING;
      case 3 -> Status.DOWN;
      default -> throw failed(r, "status");
    };
  }

  /** Node names in the cluster as this node's Mnesia sees them (itself included). */
  List<String> listCluster() throws AdapterException {
    ProcessResult r = ctl(EjabberdAdapterProvider.START_TIMEOUT, "list_cluster");
    if (!r.ok()) {
      throw failed(r, "list_cluster");
    }
    return parseNodes(r.stdout());
  }

  /** Like {@link #listCluster()}, but empty instead of failing when the node does not answer. */
  Optional<List<String>> tryListCluster() throws AdapterException {
    ProcessResult r = ctl(EjabberdAdapterProvider.START_TIMEOUT, "list_cluster");
    return r.ok() ? Optional.of(parseNodes(r.stdout())) : Optional.empty();
  }

  ProcessResult joinCluster(String node) throws AdapterException {
    return ctl(EjabberdAdapterProvider.JOIN_TIMEOUT, "join_cluster", node);
  }

  ProcessResult leaveCluster(String node) throws AdapterException {
    return ctl(EjabberdAdapterProvider.JOIN_TIMEOUT, "leave_cluster", node);
  }

  ProcessResult stop() throws AdapterException {
    return ctl(EjabberdAdapterProvider.START_TIMEOUT, "stop");
  }

  /** Runs the configured restart command; fails with its output when it exits non-zero. */
  void restart() throws AdapterException {
    Command c = Command.of(settings.startTimeout(), settings.restart());
    ProcessResult r;
    try {
      r = run(c);
    } catch (CommandException e) {
      throw commandFailed(
          e, c, EjabberdAdapterProvider.RESTART, EjabberdAdapterProvider.START_TIMEOUT);
    }
    if (!r.ok()) {
      throw new AdapterException(
          "`"
              + c.display()
              + "` exited "
              + r.exitCode()
              + ": "
              + output(r)
              + ". Check that it restarts ejabberd here, or set "
              + EjabberdAdapterProvider.RESTART.name(),
          true);
    }
  }

  /** Runs {@code ejabberdctl args}; the limit is the value of {@code timeoutKey}. */
  ProcessResult ctl(Key timeoutKey, String... args) throws AdapterException {
    Duration timeout =
        timeoutKey == EjabberdAdapterProvider.JOIN_TIMEOUT
            ? settings.joinTimeout()
            : settings.startTimeout();
    Command c = Command.of(timeout, argv(args));
    ProcessResult r;
    try {
      r = run(c);
    } catch (CommandException e) {
      throw commandFailed(e, c, EjabberdAdapterProvider.CTL, timeoutKey);
    }
    if (r.exitCode() == 126 || r.exitCode() == 127) {
      // A wrapper (nsenter, env, sh) could not execute ejabberdctl.
      throw missing(c, output(r));
    }
    if (r.exitCode() == 7) {
      throw new AdapterException(
          "`" + c.display() + "`: " + output(r) + ". Run muster as root", false);
    }
    return r;
  }

  private AdapterException commandFailed(
      CommandException e, Command c, Key commandKey, Key timeoutKey) {
    if (e.getCause() instanceof IOException) {
      return commandKey == EjabberdAdapterProvider.CTL
          ? missing(c, e.getMessage())
          : new AdapterException(
              e.getMessage()
                  + ". Set "
                  + commandKey.name()
                  + " to the command that restarts ejabberd",
              false,
              e);
    }
    Duration limit =
        timeoutKey == EjabberdAdapterProvider.JOIN_TIMEOUT
            ? settings.joinTimeout()
            : settings.startTimeout();
    return new AdapterException(
        e.getMessage()
            + ". If ejabberd is just slow, raise "
            + timeoutKey.name()
            + " (now "
            + limit.toSeconds()
            + "s); otherwise look at ejabberd's log",
        true,
        e);
  }

  private static AdapterException missing(Command c, String detail) {
    return new AdapterException(
        "cannot run ejabberdctl (`"
            + c.display()
            + "`: "
            + detail
            + "). Install ejabberd (apt-get install ejabberd), or set "
            + EjabberdAdapterProvider.CTL.name()
            + " to the command that runs ejabberdctl",
        false);
  }

  AdapterException failed(ProcessResult r, String what) {
    return new AdapterException(
        "`" + display(what) + "` exited " + r.exitCode() + ": " + output(r), true);
  }

  /** stdout and stderr for messages, without the usage text ejabberdctl appends to errors. */
  static String output(ProcessResult r) {
    String all = (r.stdout() + "\n" + r.stderr()).strip();
    int help = all.indexOf("Commands to start an ejabberd node:");
    if (help >= 0) {
      all = all.substring(0, help).strip();
    }
    all = all.replaceAll("\\s*\\n\\s*", " | ");
    if (all.length() > 600) {
      all = all.substring(0, 600) + "...";
    }
    return all.isEmpty() ? "(no output)" : all;
  }

  /**
   * The node list {@code key} ({@code db_nodes}, {@code running_db_nodes}) in {@code mnesia_info}'s
   * dump of {@code mnesia:system_info(all)}, printed with {@code ~p} (lists may wrap lines).
   */
  static Optional<List<String>> mnesiaList(String dump, String key) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\{\\s*" + key + "\\s*,\\s*\\[([^\\]]*)\\]").matcher(dump);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(ErlCallMnesia.parseNodes(m.group(1)));
  }

  /** list_cluster prints one quoted atom per line: 'ejabberd@host'. */
  static List<String> parseNodes(String stdout) {
    List<String> nodes = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      String t = line.strip();
      if (t.length() >= 2 && t.startsWith("'") && t.endsWith("'")) {
        t = t.substring(1, t.length() - 1);
      }
      if (t.contains("@")) {
        nodes.add(t);
      }
    }
    return List.copyOf(nodes);
  }
}
