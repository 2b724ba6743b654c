package io.muster.discovery;

/** Discovery failed; the message says what to do about it. */
public final class DiscoveryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;

  public DiscoveryException(String message) {
    super(message);
    this.permanent = false;
  }

  public DiscoveryException(String message, Throwable cause) {
    super(message, cause);
    this.permanent = false;
  }

  /**
   * @param permanent no retry can fix it (access denied, no credentials): the operator must act, so
   *     `join` fails at once with the fix instead of retrying until its timeout
   */
  public DiscoveryException(String message, Throwable cause, boolean permanent) {
    super(message, cause);
    this.permanent = permanent;
  }

  /** Whether no retry can fix it. */
  public boolean permanent() {
    return permanent;
  }
}
