package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.credentials.Secret;
import java.util.List;

/**
 * This host's ejabberd node, asked without booting an Erlang VM ({@link ErlCallLocalNode}): the
 * read-only checks {@code ejabberdctl status} and {@code list_cluster} made, and the switch of a
 * running node's Erlang cookie. {@link #UNREACHABLE} never answers, which leaves every decision to
 * {@code ejabberdctl} as before.
 */
interface LocalNode {

  /** What the node said. */
  sealed interface State {}

  /**
   * The ejabberd application is started (what {@code ejabberdctl status} exit 0 means); {@code
   * running} is what {@code list_cluster} lists (Mnesia's running_db_nodes), {@code dbNodes} every
   * node of its Mnesia cluster schema, running or not.
   */
  record Started(List<String> running, List<String> dbNodes) implements State {
    public Started {
      running = List.copyOf(running);
      dbNodes = List.copyOf(dbNodes);
    }
  }

  /** The VM answers but the ejabberd application is not started (yet): {@code status} exit 1. */
  record Starting() implements State {}

  /**
   * No answer: down, another cookie than the one presented, or erl_call cannot reach it from here;
   * the caller asks {@code ejabberdctl}, which has the last word.
   */
  record NoAnswer(String detail) implements State {}

  /** Asks the node, presenting {@code cookie}. */
  State state(String node, Secret cookie) throws AdapterException;

  /**
   * Asks the node, reached with its {@code current} cookie, to read the cookie file (already
   * holding the new cookie) and run with it from now on ({@code erlang:set_cookie}): no restart.
   * Whether it said yes; the caller checks with the new cookie either way.
   */
  boolean adoptCookieFile(String node, Secret current) throws AdapterException;

  /** Never answers: the adapter then uses ejabberdctl alone. */
  LocalNode UNREACHABLE =
      new LocalNode() {
        @Override
        public State state(String node, Secret cookie) {
          return new NoAnswer("not asked over erl_call");
        }

        @Override
        public boolean adoptCookieFile(String node, Secret current) {
          return false;
        }
      };
}
