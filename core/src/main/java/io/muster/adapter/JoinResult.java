package io.muster.adapter;

import io.muster.model.Peer;
import java.util.Objects;

/**
 * What a join did: the member it actually went through (the "joined … through" message names it,
 * not the candidates it was offered), or this node's own listing when it was already in the cluster
 * with that member and nothing was run.
 *
 * @param through the member of {@link JoinRequest#members()} the join went through
 * @param alreadyMember true when this node already was in the cluster with {@code through}
 */
public record JoinResult(Peer through, boolean alreadyMember) {
  public JoinResult {
    Objects.requireNonNull(through, "through");
  }

  /** Joined now through {@code member}. */
  public static JoinResult through(Peer member) {
    return new JoinResult(member, false);
  }

  /** Nothing to do: this node already is in the cluster with {@code member}. */
  public static JoinResult alreadyWith(Peer member) {
    return new JoinResult(member, true);
  }
}
