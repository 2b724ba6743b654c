package io.muster.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The effects a simulated node performs; faults are attached to them. */
public enum Op {
  DISCOVER("discover", false),
  CURRENT_FORMATION("store.current-formation", false),
  MEMBERS("store.members", false),
  /** One member's registration (the founder's, a view seed's, or a node reading back its own). */
  MEMBER("store.member", false),
  CREDENTIALS("store.credentials", false),
  /** A joiner's read of the founder's record with the credentials (one SSM GetParameters). */
  MEMBER_AND_CREDENTIALS("store.member-and-credentials", false),
  /**
   * A waiting node's read of the generation it expects with its credentials (one SSM
   * GetParameters).
   */
  FORMATION_AND_CREDENTIALS("store.formation-and-credentials", false),
  /** The seed of a booting fleet's view publishing the fleet's size (SSM only). */
  PUT_FLEET_SIZE("store.put-fleet-size", true),
  CLAIM("store.claim", true),
  PUT_CREDENTIALS("store.put-credentials", true),
  REGISTER_JOINING("store.register-joining", true),
  REGISTER_MEMBER("store.register-member", true),
  DEREGISTER("store.deregister", true),
  INSPECT("adapter.inspect", false),
  FORM("adapter.form", false),
  JOIN("adapter.join", false),
  VERIFY("adapter.verify", false),
  SAVE_MEMBERSHIP("state.save-membership", false);

  private final String label;
  private final boolean storeWrite;

  Op(String label, boolean storeWrite) {
    this.label = label;
    this.storeWrite = storeWrite;
  }

  public String label() {
    return label;
  }

  /** Whether this is a store write, whose outcome a fault may leave unknown to its caller. */
  public boolean storeWrite() {
    return storeWrite;
  }

  /** The ops a random crash or termination picks from (every step kind of the join flow). */
  static final List<Op> FAULT_POINTS =
      List.of(
          DISCOVER,
          CURRENT_FORMATION,
          // A joiner reads the founder's record with the credentials, not the member listing
          // (JoinFlow#readMembers). (One member's record alone is read by few nodes of a small
          // fleet now, and a crash around a read is one around the step's other calls.)
          MEMBER_AND_CREDENTIALS,
          FORMATION_AND_CREDENTIALS,
          CLAIM,
          FORM,
          PUT_CREDENTIALS,
          CREDENTIALS,
          REGISTER_JOINING,
          JOIN,
          VERIFY,
          REGISTER_MEMBER,
          SAVE_MEMBERSHIP);

  public static Op parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (Op op : values()) {
      if (op.label.equals(t)) {
        return op;
      }
    }
    throw new IllegalArgumentException(
        "unknown operation '"
            + text
            + "'; known: "
            + Arrays.stream(values()).map(Op::label).collect(Collectors.joining(", ")));
  }
}
