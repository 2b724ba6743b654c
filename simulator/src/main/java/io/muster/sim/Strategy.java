package io.muster.sim;

/** Which bootstrap logic the simulated nodes run. */
public enum Strategy {
  /** The real {@link io.muster.bootstrap.JoinFlow} with its election and store protocol. */
  MUSTER,
  /**
   * The script pattern operators use today: probe the peers for a member and join it; if none
   * answers and this node has the lowest address of its list, form; otherwise retry in 30 s.
   */
  NAIVE;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
