package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.credentials.Secret;
import java.util.List;

/**
 * Asks an ejabberd node about its Mnesia cluster, presenting a given Erlang cookie: the evidence
 * {@link EjabberdAdapter#verifyTarget} judges a join target by, and the identity {@link
 * EjabberdAdapter#form} publishes.
 */
interface MnesiaProbe {

  /** What the node answered. */
  sealed interface Answer {}

  /** The node accepted the cookie; its Mnesia's {@code db_nodes} (itself included). */
  record DbNodes(List<String> nodes) implements Answer {
    public DbNodes {
      nodes = List.copyOf(nodes);
    }
  }

  /**
   * The node accepted the cookie; the cookie of its Mnesia schema ({@code mnesia:table_info(schema,
   * cookie)}, whitespace removed), e.g. {@code
   * {{1796455164214235097,-576460752303423455,1},'ejabberd@10.0.0.1'}}: made when a schema is
   * created and copied to every node that joins the cluster, so it names the cluster. Not a secret:
   * joining needs the Erlang cookie.
   */
  record SchemaCookie(String value) implements Answer {}

  /** The node accepted the cookie but the call failed there, e.g. Mnesia is not running. */
  record Failed(String detail) implements Answer {}

  /** No answer: the node is down, or refused the cookie (the caller asks epmd which). */
  record NoAnswer(String detail) implements Answer {}

  Answer dbNodes(String node, Secret cookie) throws AdapterException;

  Answer schemaCookie(String node, Secret cookie) throws AdapterException;
}
