package io.muster.lifecycle.fleet;

/** A queue call failed; the message says which call, on which queue, and what to check. */
public final class QueueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QueueException(String message, Throwable cause) {
    super(message, cause);
  }
}
