package io.muster.adapter;

/** An adapter step failed; the message says what happened and what to do. */
public class AdapterException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  public AdapterException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public AdapterException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether trying again later (another member, after a backoff) may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
