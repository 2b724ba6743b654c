package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.credentials.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link LocalNode} through {@link ErlCall}: each question is one erl_call (about 25 ms), where
 * {@code ejabberdctl status} or {@code list_cluster} boot an Erlang VM (1-2 s under load). The
 * questions are the ones ejabberdctl asks: {@code status} checks that the {@code ejabberd}
 * application is in {@code application:which_applications()}; {@code list_cluster} is {@code
 * ejabberd_cluster:get_nodes()} (Mnesia's running_db_nodes), asked only of a started node because
 * it reads ejabberd's configuration.
 */
final class ErlCallLocalNode implements LocalNode {

  static final String STATE =
      "case lists:keymember(ejabberd, 1, application:which_applications()) of"
          + " true -> {started, ejabberd_cluster:get_nodes(), mnesia:system_info(db_nodes)};"
          + " false -> starting end.";

  private static final Pattern LIST = Pattern.compile("\\[([^\\]]*)\\]");

  private final ErlCall erlCall;
  private final Path cookieFile;

  ErlCallLocalNode(ErlCall erlCall, Path cookieFile) {
    this.erlCall = erlCall;
    this.cookieFile = cookieFile;
  }

  @Override
  public State state(String node, Secret cookie) throws AdapterException {
    ErlCall.Reply r = erlCall.eval(node, cookie, STATE, "status, list_cluster");
    if (r instanceof ErlCall.NoAnswer no) {
      return new NoAnswer(no.detail());
    }
    if (r instanceof ErlCall.Failed failed) {
      return new NoAnswer("erl_call reached the node but the question failed: " + failed.detail());
    }
    return parseState(((ErlCall.Value) r).term());
  }

  static State parseState(String term) {
    String t = term.strip();
    if (t.equals("starting")) {
      return new Starting();
    }
    if (t.startsWith("{started,")) {
      Matcher m = LIST.matcher(t);
      List<List<String>> lists = new ArrayList<>();
      while (m.find()) {
        lists.add(ErlCallMnesia.parseNodes(m.group(1)));
      }
      if (lists.size() == 2) {
        return new Started(lists.get(0), lists.get(1));
      }
    }
    return new NoAnswer("unexpected answer: " + (t.length() <= 200 ? t : t.substring(0, 200)));
  }

  /**
   * The node reads the file itself, so the cookie is neither in argv nor on erl_call's stdin, and
   * the node runs with exactly what a later restart reads.
   */
  @Override
  public boolean adoptCookieFile(String node, Secret current) throws AdapterException {
    ErlCall.Reply r = erlCall.eval(node, current, adoptExpression(cookieFile), "set_cookie");
    return r instanceof ErlCall.Value v && v.term().equals("true");
  }

  static String adoptExpression(Path cookieFile) {
    return "{ok, Bin} = file:read_file("
        + ErlCall.erlangString(cookieFile.toString())
        + "), erlang:set_cookie(node(), binary_to_atom(string:trim(Bin))).";
  }
}
