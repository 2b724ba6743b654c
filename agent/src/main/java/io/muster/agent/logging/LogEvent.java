package io.muster.agent.logging;

import java.util.Arrays;
import java.util.Optional;

/**
 * The vocabulary of log events: the value of the {@code event} field of a JSON log line (and of the
 * {@code event=} pair of a text line), stable across releases so log pipelines can alert on it.
 * Documented in docs/observability.md; a test keeps the two equal. Add, never rename.
 */
public enum LogEvent {
  AGENT_STARTED("agent-started", "the agent started its components"),
  HTTP_LISTENING("http-listening", "the HTTP endpoint is bound; `address` holds the real port"),
  DECISION("decision", "the join flow decided (wait, form, join), with `view`, `seed`, `reason`"),
  CLAIMED("claimed", "this node claimed a generation and will form it"),
  CLAIM_LOST("claim-lost", "another node claimed the generation first"),
  RESUME("resume", "resuming a formation this node claimed before a restart"),
  FORMED("formed", "this node formed the cluster"),
  FOUNDER_REGISTERED("founder-registered", "the forming node registered as a member"),
  JOINED("joined", "this node joined the cluster"),
  MEMBER("member", "this node became a verified member (after formed or joined)"),
  REJOIN("rejoin", "a recorded member is not working; rejoining through a live member"),
  STALE_MEMBERSHIP("stale-membership", "the recorded generation is not the store's current one"),
  JOINING_DROPPED("joining-dropped", "a JOINING registration of this node that outlived its join"),
  JOINING_FINISHED(
      "joining-finished",
      "a JOINING registration of this node outlived its join, but the node is clustered: finishing as a member"),
  JOINED_UNRECORDED(
      "joined-unrecorded",
      "this node is clustered but recorded no join (a light join stopped before it registered): finishing as a member"),
  TARGET_REFUSED(
      "target-refused", "a join target failed the cluster-identity check; trying another member"),
  DAMAGED_FORMATION(
      "damaged-formation",
      "the current formation record is damaged (a warning naming it): joining only through its registered members, never replacing it"),
  CREDENTIALS_REREAD("credentials-reread", "credentials were rejected; retrying with newer ones"),
  DISCOVERY_ERROR("discovery-error", "discovery failed; retrying after a backoff"),
  STORE_ERROR("store-error", "the credential store failed; retrying after a backoff"),
  ADAPTER_ERROR("adapter-error", "the adapter failed (or its verification did); retrying"),
  FAILED("failed", "a join step failed in a way waiting cannot fix; the message says what to do"),
  MEMBERSHIP_CHANGED("membership-changed", "the followed membership changed; the adapter was told"),
  FOLLOW_ERROR("follow-error", "following the membership failed; retrying"),
  LEAVING("leaving", "leaving the cluster on shutdown (agent.leave-on-shutdown)"),
  LEFT("left", "left the cluster and deregistered"),
  LEAVE_ERROR("leave-error", "leaving on shutdown failed"),
  STOPPING("stopping", "the agent is stopping (SIGTERM)");

  private final String kind;
  private final String meaning;

  LogEvent(String kind, String meaning) {
    this.kind = kind;
    this.meaning = meaning;
  }

  /** The field's value. */
  public String kind() {
    return kind;
  }

  /** One line for the docs. */
  public String meaning() {
    return meaning;
  }

  /** The event of this name (as the join flow reports it), if it is in the vocabulary. */
  public static Optional<LogEvent> of(String kind) {
    return Arrays.stream(values()).filter(e -> e.kind.equals(kind)).findFirst();
  }
}
