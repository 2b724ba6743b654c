package io.muster.lifecycle.fleet;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.StoreException;
import io.muster.lifecycle.LifecycleAction;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The action records in the credential store. Each attempt at an action is its own entry, {@code
 * lifecycle/<instance>.<TRANSITION>.<hook>.<attempt>} (see {@link #key}), created with the store's
 * atomic create-if-absent exactly like a formation generation: of the controllers that race for
 * attempt n, one wins, with no compare-and-swap. Only the winner of an attempt writes its entry
 * afterwards.
 *
 * <p>A terminate also leaves {@code lifecycle/<instance>.terminating}, so that a launch action of
 * the same instance that arrives late (queues do not keep order) is answered without its hook.
 */
public final class ActionClaims {
  /** More attempts than this on one action would mean controllers dying in a loop. */
  static final int MAX_ATTEMPTS = 1000;

  private static final String TERMINATING = ".terminating";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final CredentialStore store;

  public ActionClaims(CredentialStore store) {
    this.store = store;
  }

  /** Hook names that can stand in a store entry name as they are. */
  private static final java.util.regex.Pattern PLAIN_HOOK =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * The store segment of an action: instance id, transition and hook, e.g. {@code
   * i-0abc.LAUNCHING.launch-hook}. Not the token: the periodic reconcile finds waiting actions
   * through the Auto Scaling API, which shows no token, and must claim the very record a message of
   * the same action claims, so the two can never both act. (A hook name with characters a store
   * entry cannot hold, or longer than 64, is replaced by a hash of it.)
   */
  public static String key(LifecycleAction a) {
    String hook = a.hookName();
    if (!PLAIN_HOOK.matcher(hook).matches()) {
      hook = "h" + sha256(hook).substring(0, 24);
    }
    return a.instanceId() + "." + a.transition().name() + "." + hook;
  }

  private static String sha256(String s) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The latest attempt's record, or empty when nobody ever claimed the action. */
  public Optional<ActionRecord> current(String actionKey) throws StoreException {
    ActionRecord latest = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      String name = actionKey + "." + attempt;
      Optional<String> json = store.lifecycleRecord(name);
      if (json.isEmpty()) {
        break;
      }
      latest = ActionRecord.fromJson(json.get(), store.describe() + "lifecycle/" + name);
    }
    return Optional.ofNullable(latest);
  }

  /** Creates the record's attempt if nobody has: true when this call won it. */
  public boolean claim(ActionRecord r) throws StoreException {
    if (r.attempt() > MAX_ATTEMPTS) {
      throw new StoreException(
          "action " + r.actionKey() + " was taken over " + MAX_ATTEMPTS + " times: giving up");
    }
    return store.createLifecycleRecord(r.actionKey() + "." + r.attempt(), r.toJson());
  }

  /** Records progress of an attempt this controller owns. */
  public void update(ActionRecord r) throws StoreException {
    store.putLifecycleRecord(r.actionKey() + "." + r.attempt(), r.toJson());
  }

  /** Whether {@code attempt} is still the latest (nobody took the action over). */
  public boolean stillLatest(ActionRecord r) throws StoreException {
    return store.lifecycleRecord(r.actionKey() + "." + (r.attempt() + 1)).isEmpty();
  }

  /** Marks the instance as terminating, with the time (for the sweep). */
  public void markTerminating(String instanceId, Instant now) throws StoreException {
    store.createLifecycleRecord(
        instanceId + TERMINATING, "{\"instance\":\"" + instanceId + "\",\"at\":\"" + now + "\"}");
  }

  public boolean terminating(String instanceId) throws StoreException {
    return store.lifecycleRecord(instanceId + TERMINATING).isPresent();
  }

  /**
   * Deletes what no message can need any more: every attempt of an action that has been DONE for
   * longer than {@code retention}, and terminate marks older than it. With a retention at least the
   * queue's message retention (SQS: at most 14 days), no duplicate can still arrive for them.
   * Without it, a store such as SSM (10,000 standard parameters per region) would fill up.
   *
   * @return how many records were deleted
   */
  public int sweep(Instant now, Duration retention) throws StoreException {
    Instant before = now.minus(retention);
    Map<String, Integer> attempts = new TreeMap<>();
    int deleted = 0;
    for (String name : store.lifecycleRecordNames()) {
      if (name.endsWith(TERMINATING)) {
        Optional<String> json = store.lifecycleRecord(name);
        Optional<Instant> at = json.flatMap(ActionClaims::markTime);
        if (at.isPresent() && at.get().isBefore(before)) {
          store.deleteLifecycleRecord(name);
          deleted++;
        }
        continue;
      }
      int dot = name.lastIndexOf('.');
      try {
        int attempt = Integer.parseInt(name.substring(dot + 1));
        attempts.merge(name.substring(0, dot), attempt, Math::max);
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        // Not a record of this controller's making: leave it.
      }
    }
    for (Map.Entry<String, Integer> e : attempts.entrySet()) {
      String latest = e.getKey() + "." + e.getValue();
      Optional<String> json = store.lifecycleRecord(latest);
      if (json.isEmpty()) {
        continue;
      }
      ActionRecord r = ActionRecord.fromJson(json.get(), latest);
      if (r.state() == ActionRecord.State.DONE && r.leaseUntil().isBefore(before)) {
        for (int a = e.getValue(); a >= 1; a--) {
          store.deleteLifecycleRecord(e.getKey() + "." + a);
          deleted++;
        }
      }
    }
    return deleted;
  }

  private static Optional<Instant> markTime(String json) {
    try {
      return Optional.of(Instant.parse(JSON.readTree(json).path("at").asText()));
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
