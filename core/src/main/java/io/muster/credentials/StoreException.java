package io.muster.credentials;

/** The store could not be read or written; the message says what to do. */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;

  public StoreException(String message) {
    super(message);
    this.permanent = false;
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
    this.permanent = false;
  }

  /**
   * @param permanent no retry can fix it (access denied, no credentials): the operator must act, so
   *     `join` fails at once with the fix instead of retrying until its timeout
   */
  public StoreException(String message, Throwable cause, boolean permanent) {
    super(message, cause);
    this.permanent = permanent;
  }

  /** Whether no retry can fix it. */
  public boolean permanent() {
    return permanent;
  }
}
