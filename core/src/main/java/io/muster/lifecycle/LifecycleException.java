package io.muster.lifecycle;

/** A lifecycle API call failed for a reason other than the known "no active action" race. */
public class LifecycleException extends RuntimeException {
  private final boolean retryable;

  public LifecycleException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** False for errors no retry fixes (access denied, a hook that does not exist). */
  public boolean retryable() {
    return retryable;
  }
}
