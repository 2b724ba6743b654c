package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.credentials.Secret;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    try (ErlCallHome home = ErlCallHome.create(handoffBase, cookie)) {
      List<String> argv = home.argv(settings, node);
      argv.add("-e");
      // erl_call -e wants the full stop followed by a newline ("Incomplete form" otherwise).
      Command c =
          Command.of(ErlCallHome.limit(settings), argv)
              .withEnv(home.env())
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
