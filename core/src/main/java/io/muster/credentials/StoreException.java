package io.muster.credentials;

/** The store could not be read or written; the message says what to do. */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean throttled;
  private final boolean permanent;

  public StoreException(String message) {
    this(message, null, false);
  }

  public StoreException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * @param throttled the store refused the call for its rate limit (counted apart in the agent's
   *     metrics: a fleet that is throttled paces too fast for its quota)
   */
  public StoreException(String message, Throwable cause, boolean throttled) {
    this(message, cause, throttled, false);
  }

  private StoreException(String message, Throwable cause, boolean throttled, boolean permanent) {
    super(message, cause);
    this.throttled = throttled;
    this.permanent = permanent;
  }

  /**
   * A failure no retry can fix (access denied, no credentials): the operator must act, so `join`
   * fails at once with the fix instead of retrying until its timeout.
   */
  public static StoreException permanent(String message, Throwable cause) {
    return new StoreException(message, cause, false, true);
  }

  /** Whether the store refused the call for its rate limit. */
  public boolean throttled() {
    return throttled;
  }

  /** Whether no retry can fix it. */
  public boolean permanent() {
    return permanent;
  }
}
