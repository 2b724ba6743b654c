package io.muster.agent.membership;

import io.muster.adapter.ClusterAdapter;
import io.muster.agent.logging.LogEvent;
import io.muster.agent.runtime.Component;
import io.muster.bootstrap.NodeState;
import io.muster.credentials.CredentialStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agent.leave-on-shutdown}: when the agent stops, a node that is a member leaves the
 * cluster, deregisters from the store and forgets its membership, so the fleet stops counting on it
 * and a restart joins afresh. Does nothing at start.
 */
public final class LeaveOnShutdown implements Component {
  private static final Logger LOG = LoggerFactory.getLogger("agent");
  private final ClusterAdapter adapter;
  private final CredentialStore store;
  private final NodeState state;
  private final String instanceId;

  public LeaveOnShutdown(
      ClusterAdapter adapter, CredentialStore store, NodeState state, String instanceId) {
    this.adapter = adapter;
    this.store = store;
    this.state = state;
    this.instanceId = instanceId;
  }

  @Override
  public String name() {
    return "leave on shutdown";
  }

  /** Never throws: a failed leave is logged, and the process exits as it would have. */
  @Override
  public void stop() {
    try {
      if (state.membership().isPresent()) {
        LOG.atInfo()
            .addKeyValue("event", LogEvent.LEAVING.kind())
            .log("leaving the cluster (agent.leave-on-shutdown)");
        adapter.leave(false);
        store.deregisterMember(instanceId);
        state.clearMembership();
        LOG.atInfo().addKeyValue("event", LogEvent.LEFT.kind()).log("left the cluster");
      }
    } catch (Exception e) {
      LOG.atError()
          .addKeyValue("event", LogEvent.LEAVE_ERROR.kind())
          .log("leave on shutdown failed: {}", e.getMessage());
    }
  }
}
