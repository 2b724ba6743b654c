package io.muster.credentials;

import java.time.Instant;
import java.util.Objects;

/**
 * A node's registration as a member of one generation. Joiners only join through nodes whose record
 * matches both their instance id and address in the current view, so a node that reused a dead
 * member's address is never taken for a member.
 */
public record MemberRecord(
    String instanceId, String address, String hostname, long generation, Instant joinedAt) {
  public MemberRecord {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(joinedAt, "joinedAt");
  }
}
