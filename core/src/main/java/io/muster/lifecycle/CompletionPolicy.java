package io.muster.lifecycle;

import java.time.Duration;
import java.util.Optional;

/**
 * What to do after one {@code CompleteLifecycleAction} attempt. AWS has a race: instance metadata
 * can show the target state before the API shows the {@code *:Wait} state, and even right after it
 * a completion can answer "No active Lifecycle Action found". So "no active action" is retried
 * every {@link #retryEvery} while the API shows the instance waiting (or not yet waiting), and is
 * final once the API shows the action answered (by us earlier, by someone else, or by its timeout)
 * or no longer lists the instance, or after {@link #budget}. Other errors are retried while
 * retryable and within the budget.
 *
 * @param retryEvery pause between attempts (PrairieLearn's production fix used 5 s)
 * @param budget how long after the first attempt to keep trying
 */
public record CompletionPolicy(Duration retryEvery, Duration budget) {

  /** The verdict on one attempt. */
  public sealed interface Verdict {}

  /** AWS accepted this completion. */
  public record Accepted() implements Verdict {}

  /** The action is already answered or gone; nothing more to send. */
  public record Gone(String why) implements Verdict {}

  /** Try again after {@code after}. */
  public record Retry(Duration after, String why) implements Verdict {}

  /** Give up: a non-retryable error, or the budget is spent. */
  public record Failed(String why) implements Verdict {}

  /**
   * @param outcome the attempt's outcome, or empty when it threw {@code error}
   * @param error the attempt's error, or null
   * @param apiState the API's lifecycle state of the instance: empty optional = not listed, null =
   *     unknown (not asked, or the question failed)
   * @param elapsed since the first attempt
   */
  public Verdict judge(
      LifecycleTransition transition,
      Optional<LifecycleActions.Outcome> outcome,
      LifecycleException error,
      Optional<String> apiState,
      Duration elapsed) {
    boolean spent = elapsed.compareTo(budget) >= 0;
    if (outcome.isPresent() && outcome.get() == LifecycleActions.Outcome.ACCEPTED) {
      return new Accepted();
    }
    if (outcome.isPresent()) { // NO_ACTIVE_ACTION
      if (apiState != null && apiState.isEmpty()) {
        return new Gone("the group no longer lists the instance");
      }
      if (apiState != null && LifecycleStates.answered(transition, apiState.get())) {
        return new Gone("already answered: the API shows " + apiState.get());
      }
      if (spent) {
        return new Gone(
            "no active lifecycle action for "
                + budget.toSeconds()
                + " s"
                + (apiState == null ? "" : " (the API shows " + apiState.get() + ")")
                + "; treating it as expired");
      }
      return new Retry(
          retryEvery,
          "no active lifecycle action yet"
              + (apiState == null ? "" : " (the API shows " + apiState.get() + ")"));
    }
    if (error != null && !error.retryable()) {
      return new Failed(error.getMessage());
    }
    if (spent) {
      return new Failed(
          (error == null ? "no answer" : error.getMessage())
              + "; gave up after "
              + budget.toSeconds()
              + " s");
    }
    return new Retry(retryEvery, error == null ? "no answer" : error.getMessage());
  }
}
