package io.muster.adapter.haproxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The 20 membership steps both integration tests apply under load: scale-outs and scale-ins by one
 * and by several, replacements, and two endpoint moves of one instance (b5 to its second port and
 * back). Keys name {@link Backends} endpoints.
 */
final class Steps {
  static final List<String> INITIAL = List.of("b1", "b2");

  static final List<List<String>> ALL =
      List.of(
          List.of("b1", "b2", "b3"),
          List.of("b1", "b2", "b3", "b4"),
          List.of("b2", "b3", "b4"),
          List.of("b2", "b3", "b4", "b5"),
          List.of("b4", "b5"),
          List.of("b1", "b2", "b4", "b5"),
          List.of("b1", "b2", "b4", "b5-alt"),
          List.of("b1", "b2", "b5-alt"),
          List.of("b1", "b2", "b3", "b5-alt"),
          List.of("b1", "b2", "b3", "b5"),
          List.of("b2", "b3", "b4", "b5"),
          List.of("b2", "b3", "b4"),
          List.of("b1", "b2", "b3", "b4", "b5"),
          List.of("b1", "b2", "b4", "b5"),
          List.of("b1", "b5"),
          List.of("b1", "b3", "b5"),
          List.of("b1", "b2", "b3"),
          List.of("b1", "b2", "b3", "b4", "b5"),
          List.of("b4", "b5"),
          List.of("b1", "b4", "b5"));

  /** Applies one membership (the follower, or a re-render and reload). */
  @FunctionalInterface
  interface Apply {
    void members(List<String> keys) throws Exception;
  }

  /**
   * What one step did.
   *
   * @param applyMillis how long applying took
   * @param firstRequestMillis per added endpoint: membership change to its first request, or -1
   *     when none came within the wait
   * @param lateArrivals per removed endpoint: requests that still arrived more than 1 s after the
   *     change
   */
  record Result(
      int step,
      List<String> added,
      List<String> removed,
      double applyMillis,
      List<Double> firstRequestMillis,
      List<Integer> lateArrivals) {}

  private Steps() {}

  /**
   * Runs every step: applies it, waits until each added endpoint served a request (at most {@code
   * wait}) and at least {@code dwell}, then counts requests that reached removed endpoints later
   * than 1 s after the change.
   */
  static List<Result> run(Backends backends, Apply apply, Duration dwell, Duration wait)
      throws Exception {
    List<Result> out = new ArrayList<>();
    List<String> current = INITIAL;
    int i = 0;
    for (List<String> next : ALL) {
      i++;
      List<String> prev = current;
      List<String> added = next.stream().filter(k -> !prev.contains(k)).toList();
      List<String> removed = prev.stream().filter(k -> !next.contains(k)).toList();
      long t0 = System.nanoTime();
      apply.members(next);
      double applyMillis = (System.nanoTime() - t0) / 1e6;
      List<Double> first = new ArrayList<>();
      for (String k : added) {
        Backends.Endpoint e = backends.endpoint(k);
        long seen = -1;
        while ((seen = e.firstAfter(t0)) < 0 && System.nanoTime() - t0 < wait.toNanos()) {
          Thread.sleep(5);
        }
        first.add(seen < 0 ? -1 : (seen - t0) / 1e6);
      }
      long dwellLeft = t0 + dwell.toNanos() - System.nanoTime();
      if (dwellLeft > 0) {
        Thread.sleep(dwellLeft / 1_000_000, (int) (dwellLeft % 1_000_000));
      }
      long oneSecond = t0 + Duration.ofSeconds(1).toNanos();
      List<Integer> late = new ArrayList<>();
      for (String k : removed) {
        late.add(backends.endpoint(k).countAfter(oneSecond));
      }
      out.add(new Result(i, added, removed, applyMillis, first, late));
      current = next;
    }
    return out;
  }
}
