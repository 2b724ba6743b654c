package io.muster.adapter;

import io.muster.model.Peer;

/** Optional capability: remove another (dead or terminating) member from the cluster. */
public interface MemberRemover extends Adapter {
  void remove(Peer member) throws AdapterException;
}
