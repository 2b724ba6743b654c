package io.muster.adapter;

import io.muster.credentials.Credentials;
import io.muster.discovery.Peer;
import io.muster.node.NodeIdentity;
import java.util.List;

/**
 * @param cluster the cluster name
 * @param clusterId the id of the generation to join
 * @param self this node
 * @param members live members to join through, best first (never empty)
 * @param credentials the generation's join secrets
 */
public record JoinRequest(
    String cluster,
    String clusterId,
    NodeIdentity self,
    List<Peer> members,
    Credentials credentials) {
  public JoinRequest {
    members = List.copyOf(members);
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a join needs at least one live member");
    }
  }
}
