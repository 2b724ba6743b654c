package io.muster.sim;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Injects faults at the effects a node performs: the node's random crash and termination plans,
 * lost store writes, and the forced faults of the settings.
 */
final class Faults {
  /** The agent process died here; what it did so far stays done. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash() {
      super("simulated agent crash", null, false, false);
    }
  }

  /** The instance was terminated here. */
  static final class Terminated extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Terminated() {
      super("simulated instance termination", null, false, false);
    }
  }

  /** What the injector needs from the run. */
  interface Host {
    void terminate(Node n, String why);

    /** Makes the store's current formation record unreadable (a forced {@code damage:OP}). */
    void damageFormation(Node n);
  }

  private final Host host;
  private final List<ForcedFault> forced;
  private final boolean[] fired;
  private final double lostWriteRate;
  private final SplittableRandom random;
  private final Map<String, Integer> counts = new TreeMap<>();

  Faults(Host host, List<ForcedFault> forced, double lostWriteRate, SplittableRandom random) {
    this.host = host;
    this.forced = forced;
    this.fired = new boolean[forced.size()];
    this.lostWriteRate = lostWriteRate;
    this.random = random;
  }

  void before(Node n, Op op) {
    strike(n, op, false);
  }

  void after(Node n, Op op) {
    strike(n, op, true);
  }

  private void strike(Node n, Op op, boolean after) {
    if (n.inRerun) {
      return;
    }
    for (int i = 0; i < forced.size(); i++) {
      ForcedFault f = forced.get(i);
      if (fired[i]
          || n.fleet != 1
          || f.op() != op
          || (f.kind() != ForcedFault.Kind.CRASH && f.kind() != ForcedFault.Kind.TERMINATE)
          || (f.phase() == ForcedFault.Phase.AFTER) != after) {
        continue;
      }
      fired[i] = true;
      count("forced " + f);
      note(n, "forced " + f);
      act(n, f.kind() == ForcedFault.Kind.CRASH, "forced " + f);
    }
    if (after) {
      for (int i = 0; i < forced.size(); i++) {
        ForcedFault f = forced.get(i);
        if (!fired[i] && n.fleet == 1 && f.kind() == ForcedFault.Kind.DAMAGE && f.op() == op) {
          fired[i] = true;
          count("forced " + f);
          note(n, "forced " + f);
          host.damageFormation(n);
        }
      }
    }
    Node.FaultPlan c = n.crashPlan;
    if (c != null && c.op() == op && c.after() == after) {
      n.crashPlan = null;
      count("crash " + (after ? "after " : "before ") + op.label());
      note(n, "crash " + (after ? "after " : "before ") + op.label());
      act(n, true, "crash");
    }
    Node.FaultPlan t = n.terminatePlan;
    if (t != null && t.op() == op && t.after() == after) {
      n.terminatePlan = null;
      count("terminate " + (after ? "after " : "before ") + op.label());
      note(n, "terminate " + (after ? "after " : "before ") + op.label());
      act(n, false, "terminated mid-join");
    }
  }

  void note(Node n, String what) {
    if (trace != null) {
      trace.accept(n, what.startsWith("store:") ? what : "FAULT " + what);
    }
  }

  private void act(Node n, boolean crash, String why) {
    if (crash) {
      throw new Crash();
    }
    host.terminate(n, why);
    throw new Terminated();
  }

  /**
   * A store write whose outcome is unknown to its caller, as a real store's is after a timeout or a
   * connection lost mid-request: the call fails, and the write took effect or not, half and half.
   * (An acknowledged write is never dropped: SSM, Secrets Manager and the file store's atomic
   * rename make a write they acknowledged durable.)
   */
  enum Write {
    DONE,
    UNKNOWN_APPLIED,
    UNKNOWN_NOT_APPLIED;

    boolean applied() {
      return this != UNKNOWN_NOT_APPLIED;
    }

    boolean unknown() {
      return this != DONE;
    }
  }

  /** What becomes of this store write: done, or failed with an unknown outcome. */
  Write write(Node n, Op op) {
    boolean lost = false;
    for (int i = 0; i < forced.size() && !lost; i++) {
      ForcedFault f = forced.get(i);
      if (!fired[i] && n.fleet == 1 && f.kind() == ForcedFault.Kind.LOSE && f.op() == op) {
        fired[i] = true;
        count("forced " + f);
        note(n, "forced " + f);
        lost = true;
      }
    }
    if (!lost && lostWriteRate > 0 && random.nextDouble() < lostWriteRate) {
      count("lost write " + op.label());
      note(n, "lost write " + op.label());
      lost = true;
    }
    if (!lost) {
      return Write.DONE;
    }
    Write w = random.nextBoolean() ? Write.UNKNOWN_APPLIED : Write.UNKNOWN_NOT_APPLIED;
    note(n, "write outcome unknown to the caller; " + (w.applied() ? "applied" : "not applied"));
    return w;
  }

  /** Where fault lines go (tracing), or null. */
  java.util.function.BiConsumer<Node, String> trace;

  void count(String what) {
    counts.merge(what, 1, Integer::sum);
  }

  /** Whether every forced fault (except fleet loss, which the run handles) has struck. */
  boolean allForcedFired() {
    for (int i = 0; i < forced.size(); i++) {
      if (!fired[i] && forced.get(i).kind() != ForcedFault.Kind.FLEET_LOSS) {
        return false;
      }
    }
    return true;
  }

  Map<String, Integer> counts() {
    return new TreeMap<>(counts);
  }
}
