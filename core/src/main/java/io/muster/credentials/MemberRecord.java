package io.muster.credentials;

import java.time.Instant;
import java.util.Objects;

/**
 * A node's registration in one generation. Joiners only join through nodes whose record is {@link
 * Status#MEMBER} and matches both instance id and address in the current view, so a node that
 * reused a dead member's address is never taken for a member.
 *
 * <p>A node registers as {@link Status#JOINING} before it starts joining: while such a node is
 * alive in the view, nobody forms a replacement generation, because the joiner may already be part
 * of the old cluster (the founder may have died just after letting it in).
 *
 * @param clusterId the cluster id of the generation this node formed or joined (null in records
 *     written before it existed): what a joiner proves a target against when the generation's
 *     formation record is damaged and only its members can tell
 */
public record MemberRecord(
    String instanceId,
    String address,
    String hostname,
    long generation,
    Instant joinedAt,
    Status status,
    String clusterId) {

  /** Where a node is in joining. */
  public enum Status {
    JOINING,
    MEMBER
  }

  public MemberRecord {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(joinedAt, "joinedAt");
    status = status == null ? Status.MEMBER : status;
  }

  public MemberRecord(
      String instanceId,
      String address,
      String hostname,
      long generation,
      Instant joinedAt,
      Status status) {
    this(instanceId, address, hostname, generation, joinedAt, status, null);
  }

  public MemberRecord(
      String instanceId, String address, String hostname, long generation, Instant joinedAt) {
    this(instanceId, address, hostname, generation, joinedAt, Status.MEMBER);
  }
}
