package io.muster.adapter;

import io.muster.credentials.Credentials;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.util.List;

/**
 * @param cluster the cluster name
 * @param clusterId the id of the generation to join
 * @param self this node
 * @param members live members to join through, best first (never empty)
 * @param credentials the generation's join secrets
 * @param view the whole current view ranked by election order (seed first), self included; e.g. for
 *     role assignment by rank
 */
public record JoinRequest(
    String cluster,
    String clusterId,
    NodeIdentity self,
    List<Peer> members,
    Credentials credentials,
    List<Peer> view) {
  public JoinRequest {
    members = List.copyOf(members);
    view = List.copyOf(view);
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a join needs at least one live member");
    }
  }
}
