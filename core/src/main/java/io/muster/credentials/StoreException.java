package io.muster.credentials;

/** The store could not be read or written; the message says what to do. */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean throttled;

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
    super(message, cause);
    this.throttled = throttled;
  }

  /** Whether the store refused the call for its rate limit. */
  public boolean throttled() {
    return throttled;
  }
}
