package io.muster.process;

/** A command could not be started or timed out; the message quotes the command. */
public final class CommandException extends Exception {
  private static final long serialVersionUID = 1L;

  public CommandException(String message) {
    super(message);
  }

  public CommandException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether the command could not even be started (no such program, not executable). */
  public boolean notStarted() {
    return getCause() instanceof java.io.IOException;
  }
}
