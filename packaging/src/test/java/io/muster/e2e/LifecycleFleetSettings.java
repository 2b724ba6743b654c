package io.muster.e2e;

import io.muster.testing.TestNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a lifecycle end-to-end test fixes for its whole fleet: the cluster, the Auto Scaling group
 * and its two hooks, the ports at which each node reaches the fake IMDS and Auto Scaling API on its
 * own loopback, the hooks' heartbeat timeout and the agents' join timeout.
 */
record LifecycleFleetSettings(
    String cluster,
    String group,
    String launchHook,
    String drainHook,
    int imdsPort,
    int asgPort,
    Duration heartbeat,
    Duration joinTimeout) {

  /**
   * Sets what every {@code muster agent} of the fleet shares: static discovery of {@code peers},
   * {@code node}'s identity as {@code instance}, the fakes at the fleet's ports, one file store and
   * a state directory of its own under {@code base}, quick elections among three and the on-node
   * lifecycle. The adapter's settings are the caller's.
   */
  void putAgentEnvironment(
      Map<String, String> env,
      TestNetwork.Node node,
      String instance,
      List<String> peers,
      Path base) {
    env.put("MUSTER_CLUSTER_NAME", cluster);
    env.put("MUSTER_DISCOVERY_PROVIDER", "static");
    env.put("MUSTER_DISCOVERY_STATIC_PEERS", String.join(",", peers));
    env.put("MUSTER_NODE_ADDRESS", node.address());
    env.put("MUSTER_NODE_INSTANCE_ID", instance);
    env.put("MUSTER_NODE_AUTO_SCALING_GROUP", group);
    env.put("MUSTER_NODE_REGION", "us-east-1");
    env.put("MUSTER_NODE_IMDS_ENDPOINT", "http://127.0.0.1:" + imdsPort);
    env.put("MUSTER_AWS_ENDPOINT_URL", "http://127.0.0.1:" + asgPort);
    env.put("MUSTER_STORE_PROVIDER", "file");
    env.put("MUSTER_STORE_FILE_DIR", base.resolve("store").toString());
    env.put("MUSTER_STATE_DIR", base.resolve("state-" + node.name()).toString());
    env.put("MUSTER_ELECTION_STABLE_FOR", "3s");
    env.put("MUSTER_ELECTION_MIN_PEERS", "3");
    env.put("MUSTER_DISCOVERY_INTERVAL", "1s");
    env.put("MUSTER_JOIN_TIMEOUT", joinTimeout.toSeconds() + "s");
    env.put("MUSTER_LOG_FORMAT", "json");
    env.put("MUSTER_LIFECYCLE_ENABLED", "true");
    env.put("MUSTER_LIFECYCLE_LAUNCH_HOOK", launchHook);
    env.put("MUSTER_LIFECYCLE_TERMINATE_HOOK", drainHook);
    env.put("MUSTER_LIFECYCLE_HEARTBEAT_TIMEOUT", heartbeat.toSeconds() + "s");
    env.put("MUSTER_LIFECYCLE_POLL_INTERVAL", "1s");
    env.put("MUSTER_LIFECYCLE_DRAIN_TIMEOUT", "60s");
  }
}
