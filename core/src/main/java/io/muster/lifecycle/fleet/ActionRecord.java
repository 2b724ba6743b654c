package io.muster.lifecycle.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.credentials.StoreException;
import io.muster.lifecycle.LifecycleResult;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A controller's record of one lifecycle action in the credential store: who works on it (and until
 * when that claim holds unless renewed), and how far it got. Written before each step it guards, so
 * a restarted controller knows what is left, and a completed action is never acted on again.
 *
 * @param attempt 1 for the first claim; n+1 when a controller took over an abandoned claim n
 * @param result the answer decided after the hook command (present from {@link State#HOOKS_DONE})
 * @param outcome how it ended (present in {@link State#DONE})
 * @param token the token of the notification the action was claimed for, when it came from one (a
 *     later notification of the same instance, transition and hook with another token is a new
 *     action: a warm-pool instance launches again)
 */
public record ActionRecord(
    String actionKey,
    int attempt,
    String owner,
    State state,
    Optional<LifecycleResult> result,
    Optional<Outcome> outcome,
    Instant leaseUntil,
    Optional<String> token) {

  /** How far the action got. */
  public enum State {
    /** Claimed; the hook command may be running (or may have been cut off by a crash). */
    CLAIMED,
    /** The hook command finished; the result is decided; removal and completion are left. */
    HOOKS_DONE,
    /** Completed, or known gone: nothing is left to do. */
    DONE
  }

  /** How an action ended. */
  public enum Outcome {
    /** Auto Scaling accepted the completion. */
    COMPLETED,
    /** Auto Scaling knew no such active action any more (completed, expired or abandoned). */
    GONE
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public ActionRecord {
    Objects.requireNonNull(actionKey, "actionKey");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    Objects.requireNonNull(token, "token");
  }

  public static ActionRecord claimed(String actionKey, int attempt, String owner, Instant until) {
    return claimed(actionKey, attempt, owner, until, Optional.empty());
  }

  public static ActionRecord claimed(
      String actionKey, int attempt, String owner, Instant until, Optional<String> token) {
    return new ActionRecord(
        actionKey, attempt, owner, State.CLAIMED, Optional.empty(), Optional.empty(), until, token);
  }

  /** The claim of the next attempt by {@code owner}, keeping how far this one got. */
  public ActionRecord takenOverBy(String newOwner, Instant until) {
    return new ActionRecord(actionKey, attempt + 1, newOwner, state, result, outcome, until, token);
  }

  public ActionRecord hooksDone(LifecycleResult r, Instant until) {
    return new ActionRecord(
        actionKey, attempt, owner, State.HOOKS_DONE, Optional.of(r), outcome, until, token);
  }

  public ActionRecord done(Outcome o, Instant now) {
    return new ActionRecord(
        actionKey, attempt, owner, State.DONE, result, Optional.of(o), now, token);
  }

  public ActionRecord renewed(Instant until) {
    return new ActionRecord(actionKey, attempt, owner, state, result, outcome, until, token);
  }

  public boolean leaseExpired(Instant now) {
    return !now.isBefore(leaseUntil);
  }

  public String toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("action", actionKey);
    n.put("attempt", attempt);
    n.put("owner", owner);
    n.put("state", state.name());
    result.ifPresent(r -> n.put("result", r.name()));
    outcome.ifPresent(o -> n.put("outcome", o.name()));
    n.put("leaseUntil", leaseUntil.toString());
    token.ifPresent(t -> n.put("token", t));
    return n.toString();
  }

  /**
   * @param where the record's name, for messages
   */
  public static ActionRecord fromJson(String json, String where) throws StoreException {
    try {
      JsonNode n = JSON.readTree(json);
      return new ActionRecord(
          n.get("action").asText(),
          n.get("attempt").asInt(),
          n.get("owner").asText(),
          State.valueOf(n.get("state").asText()),
          n.hasNonNull("result")
              ? Optional.of(LifecycleResult.valueOf(n.get("result").asText()))
              : Optional.empty(),
          n.hasNonNull("outcome")
              ? Optional.of(Outcome.valueOf(n.get("outcome").asText()))
              : Optional.empty(),
          Instant.parse(n.get("leaseUntil").asText()),
          n.hasNonNull("token") ? Optional.of(n.get("token").asText()) : Optional.empty());
    } catch (Exception e) {
      throw new StoreException(
          "lifecycle record " + where + " is not valid (" + e.getMessage() + "): do not edit it");
    }
  }

  /** For log lines. */
  public String describe() {
    return "attempt " + attempt + " by " + owner + " (" + state + ")";
  }
}
