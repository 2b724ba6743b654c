package io.muster.adapter;

import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.util.List;

/**
 * @param cluster the cluster name
 * @param clusterId the id of the generation being formed
 * @param self this node
 * @param view the whole current view ranked by election order (seed first), self included
 */
public record FormRequest(String cluster, String clusterId, NodeIdentity self, List<Peer> view) {
  public FormRequest {
    view = List.copyOf(view);
  }
}
