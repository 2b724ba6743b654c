package io.muster.discovery;

/** Discovery failed; the message says what to do about it. */
public final class DiscoveryException extends Exception {
  private static final long serialVersionUID = 1L;

  public DiscoveryException(String message) {
    super(message);
  }

  public DiscoveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
