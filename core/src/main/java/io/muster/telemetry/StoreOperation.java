package io.muster.telemetry;

/** The credential store's operations, as reported to {@link Telemetry#store}. */
public enum StoreOperation {
  CURRENT_FORMATION,
  CLAIM_FORMATION,
  PUT_CREDENTIALS,
  CREDENTIALS,
  REGISTER_MEMBER,
  DEREGISTER_MEMBER,
  MEMBERS,
  MEMBER;

  /** The label value: current_formation, claim_formation, ... */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
