package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.credentials.Secret;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link MnesiaProbe} through {@code erl_call -a 'mnesia system_info [db_nodes]'} (or {@code
 * 'mnesia table_info [schema, cookie]'}): erl_call is a small C program (Debian's erlang-base), so
 * the question costs a TCP exchange, not the Erlang VM boot (0.5-1.7 s) every {@code ejabberdctl}
 * call costs. The cookie goes to erl_call as {@code $HOME/.erlang.cookie} in a private hand-off
 * directory (0700, file 0400) removed right after, never in argv (erl_call's {@code -c} would show
 * it in /proc).
 */
final class ErlCallMnesia implements MnesiaProbe {
  private static final Pattern ATOM = Pattern.compile("'([^']+)'|([A-Za-z][\\w.\\-]*@[\\w.\\-]+)");

  private final EjabberdSettings settings;
  private final ProcessRunner runner;
  private final Path handoffBase;

  ErlCallMnesia(EjabberdSettings settings, ProcessRunner runner, Path handoffBase) {
    this.settings = settings;
    this.runner = runner;
    this.handoffBase = handoffBase;
  }

  @Override
  public Answer dbNodes(String node, Secret cookie) throws AdapterException {
    return call(node, cookie, "mnesia system_info [db_nodes]", out -> new DbNodes(parseNodes(out)));
  }

  @Override
  public Answer schemaCookie(String node, Secret cookie) throws AdapterException {
    return call(node, cookie, "mnesia table_info [schema, cookie]", ErlCallMnesia::parseCookie);
  }

  /**
   * The schema cookie as erl_call printed it, whitespace and atom quotes removed: the founder's
   * erl_call printed the published one, and another version of erl_call on a joiner may space or
   * quote the same term otherwise; {@link Failed} for anything but a tuple.
   */
  static Answer parseCookie(String stdout) {
    String term = stdout.replaceAll("[\\s']+", "");
    if (!term.startsWith("{{") || !term.endsWith("}")) {
      return new Failed("not a Mnesia schema cookie: " + abbreviate(stdout.strip()));
    }
    return new SchemaCookie(term);
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  /**
   * Runs {@code erl_call -a apply} against {@code node} with {@code cookie}. A call that reached
   * the node but failed there ({@code {badrpc, ...}}, which erl_call prints with exit code 0) is
   * {@link Failed}.
   */
  private Answer call(
      String node, Secret cookie, String apply, java.util.function.Function<String, Answer> parse)
      throws AdapterException {
    try (ErlCallHome home = ErlCallHome.create(handoffBase, cookie)) {
      List<String> argv = home.argv(settings, node);
      argv.addAll(List.of("-a", apply));
      Command c = Command.of(ErlCallHome.limit(settings), argv).withEnv(home.env());
      ProcessResult r;
      try {
        r = runner.run(c);
      } catch (CommandException e) {
        throw new AdapterException(
            e.getMessage()
                + (e.getCause() instanceof IOException
                    ? ". Install erlang-base, or set "
                        + EjabberdAdapterProvider.ERL_CALL.name()
                        + " to the command that runs erl_call"
                    : ""),
            !(e.getCause() instanceof IOException),
            e);
      }
      if (!r.ok()) {
        return new NoAnswer(Ejabberdctl.output(r));
      }
      if (r.stdout().strip().startsWith("{badrpc")) {
        return new Failed(abbreviate(r.stdout().strip()));
      }
      return parse.apply(r.stdout());
    }
  }

  /** The node atoms of an Erlang list such as {@code ['ejabberd@10.0.0.1',ejabberd@n2]}. */
  static List<String> parseNodes(String stdout) {
    List<String> nodes = new ArrayList<>();
    Matcher m = ATOM.matcher(stdout);
    while (m.find()) {
      String atom = m.group(1) != null ? m.group(1) : m.group(2);
      if (atom.contains("@") && !nodes.contains(atom)) {
        nodes.add(atom);
      }
    }
    return List.copyOf(nodes);
  }
}
