package io.muster.sim;

/** Hears about finished runs, for a live progress line. Called from worker threads, serially. */
@FunctionalInterface
public interface Progress {
  /**
   * @param done runs finished so far (all strategies of a run count as one)
   * @param total runs in the simulation
   * @param failing finished runs in which muster (not the naive baseline) broke a property
   */
  void update(int done, int total, int failing);

  Progress NONE = (done, total, failing) -> {};
}
