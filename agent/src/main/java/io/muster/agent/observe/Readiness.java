package io.muster.agent.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether this node is ready ({@code /readyz}): each check with its verdict, and the reason of the
 * first that fails. Pure: built from a {@link Facts} snapshot, so every answer can be tested.
 *
 * @param reason "member of generation 3", or why not: "waiting: view not stable for 10s",
 *     "joining", "leaving: the agent is stopping"
 */
public record Readiness(boolean ready, String reason, List<Check> checks) {

  /** One check, as {@code ?verbose} lists it. */
  public record Check(String name, boolean ok, String detail) {}

  /** How the last join step ended. */
  public enum StepOutcome {
    NONE,
    MEMBER,
    WAITING,
    FAILED
  }

  /**
   * What readiness is judged on.
   *
   * @param loopProblem {@code /livez}'s problem, empty while the loop is alive
   * @param stopping the agent is shutting down (and may be leaving the cluster)
   * @param joins whether this node joins a cluster (false: a pure membership follower)
   * @param outcome how the join loop's last step ended
   * @param lastMessage that step's message
   * @param stepping a step is running now
   * @param lastDecision the kind of the last decision (wait, form, join), or null
   * @param generation the generation this node is a member of, or 0
   * @param followerSynced for a pure follower: it has applied the membership at least once
   */
  public record Facts(
      Optional<String> loopProblem,
      boolean stopping,
      boolean joins,
      StepOutcome outcome,
      String lastMessage,
      boolean stepping,
      String lastDecision,
      long generation,
      boolean followerSynced) {}

  public static Readiness of(Facts f) {
    List<Check> checks = new ArrayList<>();
    checks.add(
        new Check("loop", f.loopProblem().isEmpty(), f.loopProblem().orElse("the loop is alive")));
    checks.add(
        new Check(
            "shutdown",
            !f.stopping(),
            f.stopping() ? "leaving: the agent is stopping" : "not stopping"));
    if (f.joins()) {
      checks.add(membership(f));
    } else {
      checks.add(
          new Check(
              "follower",
              f.followerSynced(),
              f.followerSynced()
                  ? "the membership was applied"
                  : "waiting to apply the membership for the first time"));
    }
    Optional<Check> failing = checks.stream().filter(c -> !c.ok()).findFirst();
    return new Readiness(
        failing.isEmpty(),
        failing.map(Check::detail).orElse(checks.get(checks.size() - 1).detail()),
        List.copyOf(checks));
  }

  private static Check membership(Facts f) {
    if (f.outcome() == StepOutcome.MEMBER) {
      return new Check("member", true, "member of generation " + f.generation());
    }
    if (f.stepping() && ("join".equals(f.lastDecision()) || "form".equals(f.lastDecision()))) {
      return new Check("member", false, f.lastDecision().equals("join") ? "joining" : "forming");
    }
    return new Check(
        "member",
        false,
        switch (f.outcome()) {
          case NONE -> "starting: no join step has finished yet";
          case FAILED -> "failed: " + f.lastMessage();
          default -> f.lastMessage();
        });
  }
}
