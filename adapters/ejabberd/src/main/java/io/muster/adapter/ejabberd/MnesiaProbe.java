package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.credentials.Secret;
import java.util.List;

/**
 * Asks another ejabberd node which nodes its Mnesia cluster has ({@code db_nodes}), presenting a
 * given Erlang cookie: the evidence {@link EjabberdAdapter#verifyTarget} judges a join target by.
 */
@FunctionalInterface
interface MnesiaProbe {

  /** What the node answered. */
  sealed interface Answer {}

  /** The node accepted the cookie; its Mnesia's {@code db_nodes} (itself included). */
  record DbNodes(List<String> nodes) implements Answer {
    public DbNodes {
      nodes = List.copyOf(nodes);
    }
  }

  /** No answer: the node is down, or refused the cookie (the caller asks epmd which). */
  record NoAnswer(String detail) implements Answer {}

  Answer dbNodes(String node, Secret cookie) throws AdapterException;
}
