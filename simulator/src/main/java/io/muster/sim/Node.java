package io.muster.sim;

import io.muster.bootstrap.NodeState;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * One instance of the simulated Auto Scaling group, with what survives an agent crash (its node
 * state and its clustered-system state) and the agent currently running on it.
 */
final class Node {
  /** Index in the run's launch order; keys the per-pair view lags. */
  final int index;

  final String instanceId;
  final int addressBits;
  final InetAddress address;
  final int fleet;
  final NodeIdentity identity;
  final Peer peer;
  final long launchAt;
  final long bootAt;
  long terminatedAt = Long.MAX_VALUE;

  /** The random fault plan of this node (null: none). */
  FaultPlan crashPlan;

  FaultPlan terminatePlan;

  /** Survives crashes: the node's own membership record. */
  final NodeState.InMemory state = new NodeState.InMemory();

  /** Survives crashes: the clustered system's state on this instance. */
  SimClusters.Cluster cluster;

  /** Whether this node was ever in a cluster (S2). */
  boolean everMember;

  /** Cluster ids this node passed to form (resuming one of them is allowed by S2). */
  final Set<String> formedIds = new HashSet<>();

  /** The agent running now; null before boot, after a crash and once done. */
  Agent agent;

  /** Bumped at every crash so steps scheduled by a dead agent are ignored. */
  int epoch;

  boolean booted;
  boolean done;
  boolean failed;
  String failure;
  long doneAt = -1;

  /** Set while an S3 re-run steps: no random crash or termination then. */
  boolean inRerun;

  int targetChecks;
  int formCalls;
  int joinCalls;

  /** Latency of the calls made in the current step, in ms. */
  long stepCost;

  Node(
      int index,
      String instanceId,
      int addressBits,
      InetAddress address,
      int fleet,
      long launchAt,
      long bootAt) {
    this.index = index;
    this.instanceId = instanceId;
    this.addressBits = addressBits;
    this.address = address;
    this.fleet = fleet;
    this.launchAt = launchAt;
    this.bootAt = bootAt;
    this.identity = new NodeIdentity(instanceId, address, null, null, null, null, null);
    this.peer = identity.asPeer();
  }

  boolean alive() {
    return terminatedAt == Long.MAX_VALUE;
  }

  /** Whether an agent is still working towards membership on this live node. */
  boolean active() {
    return alive() && booted && !done && !failed;
  }

  @Override
  public String toString() {
    return peer.addressText() + " (" + instanceId + ")";
  }

  /** One step of an agent; never sleeps. */
  interface Agent {
    io.muster.bootstrap.StepResult step();
  }

  /** A random fault: strike at the first call of {@code op}, before or after it takes effect. */
  record FaultPlan(Op op, boolean after) {}
}
