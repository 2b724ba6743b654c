package io.muster.agent.lifecycle;

import io.muster.adapter.ClusterAdapter;
import io.muster.aws.AwsClients;
import io.muster.aws.imds.ImdsClient;
import io.muster.aws.lifecycle.AutoScalingLifecycleActions;
import io.muster.aws.lifecycle.ImdsLifecycleSignals;
import io.muster.bootstrap.NodeState;
import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.credentials.CredentialStore;
import io.muster.lifecycle.FileLifecycleRecords;
import io.muster.lifecycle.NodeLifecycle;
import io.muster.model.NodeIdentity;
import io.muster.plugin.PluginContext;
import io.muster.process.SystemProcessRunner;
import io.muster.time.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the production {@link LifecycleComponent} of a node. */
public final class NodeLifecycles {
  private static final Logger LOG = LoggerFactory.getLogger("lifecycle");

  private NodeLifecycles() {}

  /** The machine's configuration from the settings and the node's identity. */
  public static NodeLifecycle.Config config(
      LifecycleSettings l, Settings s, NodeIdentity identity, Duration joinTimeout) {
    String group = identity.autoScalingGroup();
    if ((l.launchHook().isPresent() || l.terminateHook().isPresent())
        && (group == null || group.isBlank())) {
      throw ConfigException.missing(
          CoreKeys.NODE_ASG,
          "answering a lifecycle hook needs the Auto Scaling group, and instance metadata did not"
              + " give one");
    }
    return new NodeLifecycle.Config(
        group == null ? "" : group,
        identity.instanceId(),
        l.launchHook(),
        l.terminateHook(),
        joinTimeout,
        l.drainTimeout(),
        l.launchFailureResult(),
        l.drainFailureResult(),
        l.leaveOnRebalance());
  }

  /**
   * Leaves through the adapter while the node still runs, deregisters from the store and forgets
   * the membership; nothing when this node is not a member (a restarted leave, a second leave).
   *
   * @param adapter null for an adapter that joins nothing
   */
  public static LifecycleComponent.Leave leave(
      ClusterAdapter adapter, CredentialStore store, NodeState state, String instanceId) {
    return () -> {
      if (adapter != null && state.membership().isPresent()) {
        // A leave command (exec's script, ejabberdctl leave_cluster) is the drain itself: a stop
        // of the agent mid-drain lets it finish (LifecycleComponent.stop waits for it, then
        // interrupts it) rather than ending it with the other commands.
        SystemProcessRunner.sparedOnStop(
            () -> {
              adapter.leave(false);
              return null;
            });
        store.deregisterMember(instanceId);
        state.clearMembership();
        LOG.info("left the cluster and deregistered {}", instanceId);
      }
    };
  }

  /**
   * The component for this node.
   *
   * @param adapter null for an adapter that joins nothing (then leaving is a no-op)
   * @param member whether the join loop last found this node a verified member
   */
  public static LifecycleComponent create(
      PluginContext plugins,
      Duration joinTimeout,
      ClusterAdapter adapter,
      CredentialStore store,
      NodeState state,
      BooleanSupplier member,
      Clock clock,
      Sleeper sleeper) {
    Settings s = plugins.settings();
    LifecycleSettings l = LifecycleSettings.from(s);
    NodeIdentity identity = plugins.identity().get();
    AutoScalingLifecycleActions api = new AutoScalingLifecycleActions(() -> AwsClients.of(plugins));
    LifecycleComponent.Leave leave = leave(adapter, store, state, identity.instanceId());
    return new LifecycleComponent(
        new NodeLifecycle(config(l, s, identity, joinTimeout)),
        l,
        new ImdsLifecycleSignals(
            ImdsClient.fromSettings(s, clock), l.leaveOnSpot(), l.leaveOnRebalance()),
        api,
        api,
        new FileLifecycleRecords(Path.of(s.string(CoreKeys.STATE_DIR, "a writable directory"))),
        member,
        leave,
        clock,
        sleeper,
        LifecycleComponent.leaveThread());
  }
}
