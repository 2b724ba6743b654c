package io.muster.sim;

import java.util.Locale;
import java.util.Objects;

/**
 * A fault injected on purpose (regression runs): it fires on the first call of {@code op} by any
 * node of the first fleet.
 *
 * <p>Text form (the {@code --force} option): {@code crash:OP:before|after}, {@code
 * terminate:OP:before|after}, {@code lose:OP} (a store write whose outcome is unknown: the call
 * fails, the write took effect or not), {@code damage:OP} (right after the call, the store's
 * current formation record becomes unreadable, as a hand edit or a foreign writer would leave it),
 * {@code fleet-loss} (the whole first fleet is terminated after it formed; a second fleet follows).
 */
public record ForcedFault(Kind kind, Op op, Phase phase) {
  /** What happens. */
  public enum Kind {
    CRASH,
    TERMINATE,
    LOSE,
    DAMAGE,
    FLEET_LOSS
  }

  /** Whether the fault strikes before the call takes effect or right after. */
  public enum Phase {
    BEFORE,
    AFTER
  }

  public ForcedFault {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.FLEET_LOSS) {
      op = null;
      phase = null;
    } else {
      Objects.requireNonNull(op, "op");
      if (kind == Kind.LOSE) {
        if (!op.storeWrite()) {
          throw new IllegalArgumentException(
              "lose:"
                  + op.label()
                  + " is not a store write; use lose: with store.claim,"
                  + " store.put-credentials, store.register-joining, store.register-member or"
                  + " store.deregister");
        }
        phase = Phase.AFTER;
      }
      if (kind == Kind.DAMAGE) {
        phase = Phase.AFTER;
      }
      Objects.requireNonNull(phase, "phase");
    }
  }

  public static ForcedFault parse(String text) {
    String[] p = text.trim().toLowerCase(Locale.ROOT).split(":");
    try {
      switch (p[0]) {
        case "fleet-loss":
          if (p.length == 1) {
            return new ForcedFault(Kind.FLEET_LOSS, null, null);
          }
          break;
        case "lose":
          if (p.length == 2) {
            return new ForcedFault(Kind.LOSE, Op.parse(p[1]), Phase.AFTER);
          }
          break;
        case "damage":
          if (p.length == 2) {
            return new ForcedFault(Kind.DAMAGE, Op.parse(p[1]), Phase.AFTER);
          }
          break;
        case "crash":
        case "terminate":
          if (p.length == 3) {
            return new ForcedFault(
                p[0].equals("crash") ? Kind.CRASH : Kind.TERMINATE,
                Op.parse(p[1]),
                Phase.valueOf(p[2].toUpperCase(Locale.ROOT)));
          }
          break;
        default:
          break;
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--force '" + text + "': " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(
        "--force '"
            + text
            + "' is not one of crash:OP:before|after, terminate:OP:before|after, lose:OP,"
            + " damage:OP, fleet-loss");
  }

  @Override
  public String toString() {
    return switch (kind) {
      case FLEET_LOSS -> "fleet-loss";
      case LOSE -> "lose:" + op.label();
      case DAMAGE -> "damage:" + op.label();
      default ->
          kind.name().toLowerCase(Locale.ROOT)
              + ":"
              + op.label()
              + ":"
              + phase.name().toLowerCase(Locale.ROOT);
    };
  }
}
