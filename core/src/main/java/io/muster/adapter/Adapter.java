package io.muster.adapter;

/**
 * What an adapter provider builds. A {@link ClusterAdapter} joins this node to a clustered system;
 * a {@link MembershipFollower} keeps something in step with the membership (HAProxy backends). An
 * adapter may be both.
 */
public interface Adapter {
  /** Short name: ejabberd, swarm, haproxy, exec. */
  String name();
}
