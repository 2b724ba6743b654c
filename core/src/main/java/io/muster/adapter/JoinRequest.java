package io.muster.adapter;

import io.muster.credentials.Credentials;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * @param cluster the cluster name
 * @param clusterId the id of the generation to join
 * @param self this node
 * @param members live members to join through, best first (never empty)
 * @param credentials the generation's join secrets
 * @param view the whole current view ranked by election order (seed first), self included; e.g. for
 *     role assignment by rank
 * @param founder the node that formed this generation, as its formation record names it (with the
 *     view's hostname when the view holds its address), for {@link ClusterAdapter#verifyTarget};
 *     empty when unknown
 */
public record JoinRequest(
    String cluster,
    String clusterId,
    NodeIdentity self,
    List<Peer> members,
    Credentials credentials,
    List<Peer> view,
    Optional<Peer> founder) {
  public JoinRequest {
    members = List.copyOf(members);
    view = List.copyOf(view);
    founder = Objects.requireNonNull(founder, "founder");
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a join needs at least one live member");
    }
  }

  /** A request whose founder is not known. */
  public JoinRequest(
      String cluster,
      String clusterId,
      NodeIdentity self,
      List<Peer> members,
      Credentials credentials,
      List<Peer> view) {
    this(cluster, clusterId, self, members, credentials, view, Optional.empty());
  }
}
