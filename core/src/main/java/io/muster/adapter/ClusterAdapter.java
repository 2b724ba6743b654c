package io.muster.adapter;

import io.muster.credentials.Credentials;
import io.muster.model.Peer;
import java.util.List;

/**
 * Drives one clustered system on this node. Every method is called by the bootstrap loop, which
 * owns retries; a method either succeeds or throws {@link AdapterException} with a message an
 * operator can act on. Implementations run external commands through {@link
 * io.muster.process.ProcessRunner} and never put secrets in argv or log lines.
 */
public interface ClusterAdapter extends Adapter {

  /** What the clustered system on this node says about its membership now. */
  LocalMembership inspect() throws AdapterException;

  /**
   * Makes this node the first member of a new cluster.
   *
   * @return the join secrets to publish for the others (e.g. the Erlang cookie, swarm tokens)
   */
  Credentials form(FormRequest request) throws AdapterException;

  /**
   * Before a join through {@code target}: whether it proves to be a member of the cluster that
   * {@code request} joins (its generation's cluster id, credentials and founder). A live member's
   * address can be reused: discovery may still list a terminated member while a new instance that
   * got its address runs the same system as a standalone node, and a join through it would make a
   * second cluster of the two (found by the simulation with stale listings: seeds 818 and 1162).
   * Implementations ask the target itself (ejabberd: its cluster membership; swarm: its swarm id;
   * exec: an optional verify-target command).
   *
   * @return empty when {@code target} proved it, else why not (the join then goes through another
   *     member that did, or waits)
   */
  default java.util.Optional<String> verifyTarget(JoinRequest request, Peer target)
      throws AdapterException {
    return java.util.Optional.empty();
  }

  /**
   * Whether {@link #verifyTarget} asks the target itself (its cluster membership, its swarm id, a
   * verify-target command), so that its answer proves the target is in the generation's cluster
   * whatever the discovery view says. In a large fleet the join flow relies on it to join the
   * founder named in the formation record without a fresh view and without a JOINING record first
   * ("light joins", docs/formation.md): at 1,000 nodes on SSM's standard throughput each of those
   * costs the fleet 50 s. The default, false, keeps the record and the fresh view.
   */
  default boolean provesTargets() {
    return false;
  }

  /**
   * Joins this node to the cluster through one of {@code request.members()} (best first).
   *
   * @return the member the join actually went through (one of {@code request.members()})
   */
  JoinResult join(JoinRequest request) throws AdapterException;

  /**
   * Checks that this node is a working member of the cluster that {@code expectedMembers} belong to
   * (those that are known to be members; may be empty right after forming): at least one of them
   * must be in this node's cluster. Not all of them: in a fleet of hundreds one member is often
   * dying, still listed by discovery and the store but gone from the cluster, and clusters do not
   * overlap, so one shared member proves this node joined the right one (found by the simulation:
   * every join of a 1,000-node fleet failed its verification while a terminated member was listed).
   *
   * @return empty when fine, else what is wrong
   */
  java.util.Optional<String> verify(List<Peer> expectedMembers) throws AdapterException;

  /**
   * Leaves the cluster cleanly.
   *
   * @param force leave even when the adapter would refuse (e.g. a swarm manager whose departure
   *     loses quorum)
   */
  void leave(boolean force) throws AdapterException;

  /** Human-readable steps a join through {@code target} would run, secrets redacted (dry run). */
  List<String> plan(String decisionKind, List<Peer> targets);
}
