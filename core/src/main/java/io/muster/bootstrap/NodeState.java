package io.muster.bootstrap;

import java.util.Optional;

/** Where this node keeps its {@link Membership} and its last decision. */
public interface NodeState {
  Optional<Membership> membership() throws java.io.IOException;

  void saveMembership(Membership m) throws java.io.IOException;

  void clearMembership() throws java.io.IOException;

  /** Remembers the last step's summary for {@code muster status}; best effort. */
  void saveLastStep(StepRecord step);

  Optional<StepRecord> lastStep();

  /**
   * One bootstrap step as shown by status: when, what was decided, why, the view size, the seed.
   */
  record StepRecord(
      java.time.Instant at, String decision, String reason, int viewSize, String seed) {}

  /** In memory, for tests and the simulation. */
  final class InMemory implements NodeState {
    private Membership membership;
    private StepRecord last;

    @Override
    public Optional<Membership> membership() {
      return Optional.ofNullable(membership);
    }

    @Override
    public void saveMembership(Membership m) {
      membership = m;
    }

    @Override
    public void clearMembership() {
      membership = null;
    }

    @Override
    public void saveLastStep(StepRecord step) {
      last = step;
    }

    @Override
    public Optional<StepRecord> lastStep() {
      return Optional.ofNullable(last);
    }
  }
}
