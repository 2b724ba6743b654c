package io.muster.adapter;

import io.muster.model.Peer;

/**
 * Optional capability: remove another (dead or terminating) member from the cluster, from a node
 * that stays (swarm {@code node rm}, ejabberd {@code leave_cluster} of the other node).
 *
 * <p>Nothing in the bootstrap calls it: a node leaves by itself through {@link
 * ClusterAdapter#leave}. Its caller is the lifecycle fleet controller (issue "Auto Scaling
 * lifecycle hooks"), which removes an instance that terminated without leaving; kept here, tested
 * against real ejabberd and dockerd, for that.
 */
public interface MemberRemover extends Adapter {
  void remove(Peer member) throws AdapterException;
}
