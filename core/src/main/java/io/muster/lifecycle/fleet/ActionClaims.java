package io.muster.lifecycle.fleet;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.StoreException;
import io.muster.lifecycle.LifecycleAction;
import java.util.Optional;

/**
 * The action records in the credential store. Each attempt at an action is its own entry, {@code
 * lifecycle/<action>.<attempt>}, created with the store's atomic create-if-absent exactly like a
 * formation generation: of the controllers that race for attempt n, one wins, with no
 * compare-and-swap. Only the winner of an attempt writes its entry afterwards.
 *
 * <p>A terminate also leaves {@code lifecycle/<instance>.terminating}, so that a launch action of
 * the same instance that arrives late (queues do not keep order) is answered without its hook.
 */
public final class ActionClaims {
  /** More attempts than this on one action would mean controllers dying in a loop. */
  static final int MAX_ATTEMPTS = 1000;

  private final CredentialStore store;

  public ActionClaims(CredentialStore store) {
    this.store = store;
  }

  /** The store segment of an action: its token, else instance id and transition. */
  public static String key(LifecycleAction a) {
    return a.token().orElse(a.instanceId() + "." + a.transition().name());
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

  public void markTerminating(String instanceId) throws StoreException {
    store.createLifecycleRecord(
        instanceId + ".terminating", "{\"instance\":\"" + instanceId + "\"}");
  }

  public boolean terminating(String instanceId) throws StoreException {
    return store.lifecycleRecord(instanceId + ".terminating").isPresent();
  }
}
