package io.muster.adapter.swarm;

/**
 * A Docker Engine API call failed.
 *
 * <p>{@link #status()} is the HTTP status, or 0 when no answer came (engine unreachable or timed
 * out); {@link #engineMessage()} is the engine's own {@code message} text, which never contains a
 * join token.
 */
public final class EngineException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why no answer came, when {@link #status()} is 0. */
  public enum Failure {
    /** The engine answered with an HTTP error status. */
    HTTP_STATUS,
    /** The socket could not be connected: dockerd is not running, or the path is wrong. */
    UNREACHABLE,
    /** No complete answer within the call's deadline, or a broken answer. */
    NO_ANSWER
  }

  private final int status;
  private final Failure failure;
  private final String engineMessage;

  public EngineException(String call, int status, String engineMessage) {
    super(call + " failed with HTTP " + status + ": " + engineMessage);
    this.status = status;
    this.failure = Failure.HTTP_STATUS;
    this.engineMessage = engineMessage;
  }

  public EngineException(String call, Failure failure, String detail, Throwable cause) {
    super(call + " failed: " + detail, cause);
    this.status = 0;
    this.failure = failure;
    this.engineMessage = detail;
  }

  public int status() {
    return status;
  }

  public Failure failure() {
    return failure;
  }

  public String engineMessage() {
    return engineMessage;
  }

  public boolean unreachable() {
    return failure == Failure.UNREACHABLE;
  }
}
