package io.muster.telemetry;

/** How one call to discovery, the store or the adapter ended. */
public enum Outcome {
  OK,
  /** Failed for any reason but throttling. */
  ERROR,
  /** Refused by the service's rate limit (counted apart: the fleet's pacing is too fast). */
  THROTTLED;

  /** The label value: ok, error, throttled. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
