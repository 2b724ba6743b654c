package io.muster.adapter.haproxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure decision: what to do to the running backend so that its servers equal the membership.
 * Additions come first and removals last, so the backend never has fewer servers in rotation than
 * the smaller of the old and the new membership.
 */
public final class Reconciler {
  private Reconciler() {}

  /**
   * @param desired one server per member (unique names)
   * @param running the backend's servers now; every one of them is muster's
   * @return the ordered steps: adds, address changes, re-enables, then removals; empty when equal
   */
  public static List<Action> plan(List<DesiredServer> desired, List<RunningServer> running) {
    Map<String, RunningServer> now = new LinkedHashMap<>();
    running.forEach(r -> now.put(r.name(), r));
    List<DesiredServer> wanted = new ArrayList<>(desired);
    wanted.sort(Comparator.comparing(DesiredServer::name));

    List<Action> adds = new ArrayList<>();
    List<Action> moves = new ArrayList<>();
    List<Action> readies = new ArrayList<>();
    for (DesiredServer d : wanted) {
      RunningServer r = now.get(d.name());
      if (r == null) {
        adds.add(new Action.Add(d));
        continue;
      }
      if (!r.sameEndpoint(d)) {
        moves.add(new Action.SetAddress(d, othersServe(d.name(), wanted, now)));
      }
      // After the move, so that a re-enabled server never takes traffic at its old endpoint.
      if (r.forcedOut()) {
        readies.add(new Action.Ready(d.name()));
      }
    }
    List<String> keep = wanted.stream().map(DesiredServer::name).toList();
    List<Action> removes =
        now.keySet().stream()
            .filter(n -> !keep.contains(n))
            .sorted()
            .<Action>map(Action.Remove::new)
            .toList();

    List<Action> plan = new ArrayList<>(adds);
    // Moves run one after another after the adds, so while one is out, every other wanted server
    // that is new or in rotation serves.
    plan.addAll(moves);
    plan.addAll(readies);
    plan.addAll(removes);
    return List.copyOf(plan);
  }

  /**
   * Whether some other wanted server serves while {@code name} is out: one added by this plan (adds
   * run first), or one running in rotation and not down.
   */
  private static boolean othersServe(
      String name, List<DesiredServer> wanted, Map<String, RunningServer> now) {
    for (DesiredServer d : wanted) {
      if (d.name().equals(name)) {
        continue;
      }
      RunningServer r = now.get(d.name());
      if (r == null || (!r.forcedOut() && r.opState() != RunningServer.STOPPED)) {
        return true;
      }
    }
    return false;
  }
}
