package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.credentials.HandoffFiles;
import io.muster.credentials.Secret;
import io.muster.credentials.SecretFiles;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Evaluates Erlang expressions on an ejabberd node through {@code erl_call -e} (a small C program
 * of Debian's erlang-base: one TCP exchange, about 25 ms, where every {@code ejabberdctl} call
 * boots an Erlang VM, 1-2 s under load). The cookie erl_call presents goes to it as {@code
 * $HOME/.erlang.cookie} in a private hand-off directory (0700, file 0400) removed right after, and
 * the expressions go on stdin: nothing of either is in argv ({@code -c} would show the cookie in
 * /proc).
 */
final class ErlCall {

  /** What the node answered. */
  sealed interface Reply {}

  /** The node accepted the cookie and evaluated the expressions: the last one's value. */
  record Value(String term) implements Reply {}

  /**
   * The node accepted the cookie but the evaluation failed there (erl_call's {@code {error,_}}).
   */
  record Failed(String detail) implements Reply {}

  /** No answer: the node is down, or it refused the cookie. */
  record NoAnswer(String detail) implements Reply {}

  /** At most this per call: an answer takes milliseconds. */
  static final Duration LIMIT = Duration.ofSeconds(10);

  private final EjabberdSettings settings;
  private final ProcessRunner runner;
  private final Path handoffBase;
  private final Clock clock;
  private final Logger log;

  ErlCall(
      EjabberdSettings settings, ProcessRunner runner, Path handoffBase, Clock clock, Logger log) {
    this.settings = settings;
    this.runner = runner;
    this.handoffBase = handoffBase;
    this.clock = clock;
    this.log = log;
  }

  /**
   * Evaluates {@code expressions} (comma-separated, ended by a full stop) on {@code node},
   * presenting {@code cookie}; {@code what} names the question in the debug line that times it.
   */
  Reply eval(String node, Secret cookie, String expressions, String what) throws AdapterException {
    Path home;
    try {
      home = HandoffFiles.newPrivateDir(handoffBase, "ejabberd");
    } catch (IOException e) {
      throw new AdapterException(
          "cannot create a private directory under " + handoffBase + " for erl_call: " + e, false);
    }
    try {
      SecretFiles.writeNew(
          home.resolve(".erlang.cookie"),
          cookie.reveal().getBytes(StandardCharsets.UTF_8),
          SecretFiles.OWNER_READ);
      List<String> argv = new ArrayList<>(settings.erlCall());
      // A client node name of its own (ErlCallMnesia says why: erl_call's default c17@<host> is
      // shared by every erl_call of the host, and a node drops one of two such connections).
      argv.addAll(List.of("-h", ErlCallMnesia.clientName(home)));
      // Long names (a dot in the host: an address or a FQDN) or short ones, as the node uses.
      argv.add(NodeNameTemplate.hostPart(node).contains(".") ? "-name" : "-sname");
      argv.add(node);
      argv.add("-e");
      Duration limit =
          settings.startTimeout().compareTo(LIMIT) < 0 ? settings.startTimeout() : LIMIT;
      // erl_call -e wants the full stop followed by a newline ("Incomplete form" otherwise).
      Command c =
          Command.of(limit, argv)
              .withEnv(Map.of("HOME", home.toString()))
              .withStdin(expressions + "\n");
      Instant t0 = clock.instant();
      ProcessResult r;
      try {
        r = runner.run(c);
      } catch (CommandException e) {
        if (e.getCause() instanceof IOException) {
          throw new AdapterException(
              e.getMessage()
                  + ". Install erlang-base, or set "
                  + EjabberdAdapterProvider.ERL_CALL.name()
                  + " to the command that runs erl_call",
              false,
              e);
        }
        return new NoAnswer(e.getMessage());
      }
      log.debug(
          "`{}` ({}) exited {} after {} ms",
          c.display(),
          what,
          r.exitCode(),
          Duration.between(t0, clock.instant()).toMillis());
      if (r.exitCode() == 126 || r.exitCode() == 127) {
        throw new AdapterException(
            "cannot run erl_call (`"
                + c.display()
                + "`: "
                + Ejabberdctl.output(r)
                + "). Install erlang-base, or set "
                + EjabberdAdapterProvider.ERL_CALL.name()
                + " to the command that runs erl_call",
            false);
      }
      if (!r.ok()) {
        return new NoAnswer(Ejabberdctl.output(r));
      }
      return parse(r.stdout());
    } catch (IOException e) {
      throw new AdapterException("cannot write erl_call's cookie under " + home + ": " + e, false);
    } finally {
      try {
        HandoffFiles.remove(home);
      } catch (IOException ignored) {
        // The next start removes what a run left under state.dir/handoff.
      }
    }
  }

  /** erl_call -e prints {@code {ok, Value}} or {@code {error, Reason}}. */
  static Reply parse(String stdout) {
    String t = stdout.strip();
    if (t.startsWith("{ok,") && t.endsWith("}")) {
      return new Value(t.substring("{ok,".length(), t.length() - 1).strip());
    }
    return new Failed(t.length() <= 300 ? t : t.substring(0, 300) + "...");
  }

  /** {@code text} as an Erlang string literal. */
  static String erlangString(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
