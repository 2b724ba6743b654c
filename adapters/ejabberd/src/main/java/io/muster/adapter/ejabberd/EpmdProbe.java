package io.muster.adapter.ejabberd;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a host's epmd (Erlang port mapper, TCP 4369) which Erlang nodes run there. It needs no
 * cookie, so after a failed {@code join_cluster} it tells "the target node is up, so it refused our
 * cookie" apart from "the target node is down".
 */
interface EpmdProbe {

  /** Names registered with epmd on {@code host}, or empty when epmd cannot be reached. */
  Optional<List<String>> names(String host);

  /**
   * Whether nothing listens on epmd's port on {@code host} (the connection is refused), as opposed
   * to an epmd that answers or a host that cannot be asked.
   */
  default boolean nothingListens(String host) {
    return false;
  }

  /** The request: EPMD_NAMES_REQ (2-byte length 1, then 'n'). */
  static byte[] namesRequest() {
    return new byte[] {0, 1, 'n'};
  }

  private static Pattern line() {
    return Pattern.compile("name (\\S+) at port \\d+");
  }

  /**
   * Parses the reply to {@link #namesRequest()}: epmd's own port as 4 bytes, then one text line per
   * node, {@code name NAME at port N}.
   */
  static List<String> parseNames(byte[] reply) {
    if (reply.length < 4) {
      throw new IllegalArgumentException("short epmd reply (" + reply.length + " bytes)");
    }
    String text = new String(reply, 4, reply.length - 4, StandardCharsets.ISO_8859_1);
    List<String> names = new ArrayList<>();
    Pattern p = line();
    for (String l : text.split("\n")) {
      Matcher m = p.matcher(l.trim());
      if (m.matches()) {
        names.add(m.group(1));
      }
    }
    return List.copyOf(names);
  }
}
