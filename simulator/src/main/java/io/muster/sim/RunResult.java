package io.muster.sim;

import java.util.List;
import java.util.Map;

/**
 * What one run of one strategy produced. Times are virtual milliseconds from the first launch; -1
 * when not reached.
 *
 * @param strategy the bootstrap logic
 * @param index the run's index
 * @param seed the run's seed
 * @param launched instances launched (both fleets and replacements)
 * @param liveAtEnd instances alive at the end
 * @param membersAtEnd live instances in the largest live cluster at the end
 * @param clustersFormed clusters the clustered system ever had
 * @param liveClustersAtEnd clusters with a live member at the end
 * @param fleetLoss whether the first fleet was lost and a second one launched
 * @param visibleAt when every live node could first see every other (and no stale entry remained)
 * @param completeAt when all live nodes last became members of one cluster
 * @param convergence completeAt - visibleAt, at least 0, or -1 when never complete
 * @param end virtual time at which the run stopped
 * @param violations properties that did not hold
 * @param calls API and store calls by operation
 * @param throttled throttled calls by operation
 * @param errors failed (server error) calls by operation
 * @param faults faults that struck, by kind
 * @param events bootstrap events (claims, forms, joins, resumes, retries...) by kind
 * @param s3Checks member re-runs checked for S3
 * @param steps agent steps taken
 */
public record RunResult(
    Strategy strategy,
    int index,
    long seed,
    int launched,
    int liveAtEnd,
    int membersAtEnd,
    int clustersFormed,
    int liveClustersAtEnd,
    boolean fleetLoss,
    long visibleAt,
    long completeAt,
    long convergence,
    long end,
    List<Violation> violations,
    Map<String, Long> calls,
    Map<String, Long> throttled,
    Map<String, Long> errors,
    Map<String, Integer> faults,
    Map<String, Integer> events,
    int s3Checks,
    long steps) {

  public RunResult {
    violations = List.copyOf(violations);
    calls = Map.copyOf(calls);
    throttled = Map.copyOf(throttled);
    errors = Map.copyOf(errors);
    faults = Map.copyOf(faults);
    events = Map.copyOf(events);
  }

  /**
   * A property that did not hold.
   *
   * @param property S1, S2, S3, L1 or L2
   * @param at virtual ms at which it was seen
   * @param detail what happened, with the nodes and clusters involved
   */
  public record Violation(String property, long at, String detail) {}

  public boolean failed() {
    return !violations.isEmpty();
  }

  public boolean violated(String property) {
    return violations.stream().anyMatch(v -> v.property().equals(property));
  }

  /** AWS describe calls (Auto Scaling and EC2). */
  public long describeCalls() {
    return calls.getOrDefault(SimApi.ASG, 0L) + calls.getOrDefault(SimApi.EC2, 0L);
  }

  public long throttledCalls() {
    return throttled.values().stream().mapToLong(Long::longValue).sum();
  }
}
