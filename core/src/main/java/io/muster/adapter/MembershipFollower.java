package io.muster.adapter;

import io.muster.model.Peer;
import java.util.List;

/** Keeps something (an HAProxy backend, an operator script) equal to the current membership. */
public interface MembershipFollower extends Adapter {
  /** Called with the full current membership whenever it changes, and once at start. */
  void membersChanged(List<Peer> members) throws AdapterException;
}
