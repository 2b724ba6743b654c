package io.muster.adapter;

import java.util.List;

/**
 * @param running whether the clustered system's service is up on this node
 * @param clustered whether it is part of a cluster with other nodes
 * @param clusterId the system's own cluster id if it has one (Swarm), else null
 * @param members member names as the system reports them (e.g. ejabberd node names)
 */
public record LocalMembership(
    boolean running, boolean clustered, String clusterId, List<String> members) {
  public LocalMembership {
    members = List.copyOf(members);
  }
}
