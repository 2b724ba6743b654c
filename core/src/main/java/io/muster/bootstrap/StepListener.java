package io.muster.bootstrap;

/** Hears about every bootstrap step; the CLI logs, the simulation counts. */
public interface StepListener {
  /** A decision was taken (one per step that got as far as the election). */
  void decided(NodeState.StepRecord step);

  /** Something happened worth a line of its own: a claim, a form, a join, a failure. */
  void event(String kind, String message);

  StepListener NONE =
      new StepListener() {
        @Override
        public void decided(NodeState.StepRecord step) {}

        @Override
        public void event(String kind, String message) {}
      };
}
