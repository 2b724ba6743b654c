package io.muster.credentials;

/** The store could not be read or written; the message says what to do. */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean throttled;
  private final boolean permanent;
  private long damagedFormation;

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
    this(message, cause, throttled, false);
  }

  private StoreException(String message, Throwable cause, boolean throttled, boolean permanent) {
    super(message, cause);
    this.throttled = throttled;
    this.permanent = permanent;
  }

  /**
   * A failure no retry can fix (access denied, no credentials): the operator must act, so `join`
   * fails at once with the fix instead of retrying until its timeout.
   */
  public static StoreException permanent(String message, Throwable cause) {
    return new StoreException(message, cause, false, true);
  }

  /**
   * The current formation record, of generation {@code generation}, exists but cannot be decoded (a
   * hand edit, a foreign writer): nobody may form or replace that generation on a guess, but
   * joiners can still go through its registered members (see docs/formation.md, "A damaged
   * formation record").
   */
  public static StoreException damagedFormation(String message, long generation, Throwable cause) {
    StoreException e = new StoreException(message, cause, false, false);
    e.damagedFormation = generation;
    return e;
  }

  /**
   * The generation of the damaged current formation record this reports, or 0 when it reports
   * something else.
   */
  public long damagedFormation() {
    return damagedFormation;
  }

  /** Whether the store refused the call for its rate limit. */
  public boolean throttled() {
    return throttled;
  }

  /** Whether no retry can fix it. */
  public boolean permanent() {
    return permanent;
  }
}
