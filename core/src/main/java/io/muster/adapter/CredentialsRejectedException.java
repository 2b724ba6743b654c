package io.muster.adapter;

/**
 * The cluster refused the join secrets (wrong Erlang cookie, rotated swarm token). The bootstrap
 * loop re-reads the credential store once and retries; a second rejection fails the join.
 */
public final class CredentialsRejectedException extends AdapterException {
  private static final long serialVersionUID = 1L;

  public CredentialsRejectedException(String message, Throwable cause) {
    super(message, true, cause);
  }

  public CredentialsRejectedException(String message) {
    super(message, true);
  }
}
