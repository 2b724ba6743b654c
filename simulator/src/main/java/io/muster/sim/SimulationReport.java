package io.muster.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The outcome of a simulation: per strategy, how often each property broke (with the exact options
 * that replay each failing run), convergence, and API cost. {@link #toJson()} is a pure function of
 * the settings and seeds (no wall-clock figures), so equal seeds give byte-identical JSON.
 */
public final class SimulationReport {
  /** The properties checked, in the order they are reported. */
  public static final List<String> PROPERTIES = List.of("S1", "S2", "S3", "L1", "L2", "ERROR");

  /** Failing runs kept per strategy (each with its replay), for JSON and {@code toText(true)}. */
  private static final int KEPT_FAILURES = 1000;

  /** Failing runs the text report shows unless asked for all of them. */
  static final int SHOWN_FAILURES = 3;

  private final SimulationSettings settings;
  private final List<List<RunResult>> results;
  private final List<Summary> summaries = new ArrayList<>();
  private final Duration wallTime;

  SimulationReport(SimulationSettings settings, List<List<RunResult>> results, Duration wallTime) {
    this.settings = settings;
    this.results = results;
    this.wallTime = wallTime;
    for (List<RunResult> r : results) {
      summaries.add(new Summary(settings, r));
    }
  }

  public SimulationSettings settings() {
    return settings;
  }

  /** Every run's result of {@code strategy}, by run index. */
  public List<RunResult> runs(Strategy strategy) {
    return results.get(settings.strategies().indexOf(strategy));
  }

  public Summary summary(Strategy strategy) {
    return summaries.get(settings.strategies().indexOf(strategy));
  }

  /** The first failing runs of {@code strategy} (at most 20), with their replay options. */
  public List<Failure> failures(Strategy strategy) {
    return summary(strategy).failures();
  }

  public List<Summary> summaries() {
    return List.copyOf(summaries);
  }

  /** Wall-clock time the simulation took (not part of the JSON, which must be reproducible). */
  public Duration wallTime() {
    return wallTime;
  }

  /** Whether {@code strategy} broke any property in any run. */
  public boolean failed(Strategy strategy) {
    return settings.strategies().contains(strategy) && summary(strategy).failedRuns() > 0;
  }

  /** A failing run and how to replay it. */
  public record Failure(
      Strategy strategy, int index, long seed, RunResult.Violation violation, List<String> replay) {
    /** The command that replays this run alone. */
    public String command() {
      return commandOf(replay);
    }
  }

  /** The arguments that replay {@code run} alone, with its strategy only. */
  static List<String> replayOf(SimulationSettings settings, RunResult run) {
    return settings.withStrategies(List.of(run.strategy())).reproduction(run.seed());
  }

  static String commandOf(List<String> arguments) {
    return "muster simulate " + String.join(" ", arguments);
  }

  /** Aggregates of one strategy over all runs. */
  public static final class Summary {
    private final Strategy strategy;
    private final int runs;
    private final Map<String, Integer> violatedRuns = new LinkedHashMap<>();
    private final List<Failure> failures = new ArrayList<>();
    private int failedRuns;
    private final long launched;
    private final long[] clusters;
    private final double membersFraction;
    private final long[] convergence;
    private final long[] convergenceNoLoss;
    private final int unconverged;
    private final int fleetLossRuns;
    private final int reformed;
    private final Map<String, Long> calls = new TreeMap<>();
    private final Map<String, Long> throttled = new TreeMap<>();
    private final Map<String, Long> errors = new TreeMap<>();
    private final Map<String, Long> faults = new TreeMap<>();
    private final Map<String, Long> events = new TreeMap<>();
    private final double[] describePerNode;
    private final long maxThrottledInRun;
    private final String mostThrottledReplay;
    private final List<String> slowestReplay;
    private final int slowestIndex;
    private final long s3Checks;
    private final long steps;

    Summary(SimulationSettings settings, List<RunResult> rs) {
      this.strategy = rs.get(0).strategy();
      this.runs = rs.size();
      for (String p : PROPERTIES) {
        violatedRuns.put(p, 0);
      }
      long launchedSum = 0;
      long liveSum = 0;
      long membersSum = 0;
      int unconv = 0;
      int losses = 0;
      int reformedRuns = 0;
      long maxThrottled = 0;
      RunResult mostThrottled = null;
      RunResult slowest = null;
      long checks = 0;
      long stepSum = 0;
      List<Long> conv = new ArrayList<>();
      List<Long> convNoLoss = new ArrayList<>();
      clusters = new long[rs.size()];
      describePerNode = new double[rs.size()];
      for (int i = 0; i < rs.size(); i++) {
        RunResult r = rs.get(i);
        if (r.failed()) {
          failedRuns++;
          for (String p : PROPERTIES) {
            if (r.violated(p)) {
              violatedRuns.merge(p, 1, Integer::sum);
            }
          }
          if (failures.size() < KEPT_FAILURES) {
            failures.add(
                new Failure(
                    r.strategy(),
                    r.index(),
                    r.seed(),
                    r.violations().get(0),
                    replayOf(settings, r)));
          }
        }
        launchedSum += r.launched();
        liveSum += r.liveAtEnd();
        membersSum += r.membersAtEnd();
        clusters[i] = r.clustersFormed();
        if (r.convergence() >= 0) {
          conv.add(r.convergence());
          if (slowest == null || r.convergence() > slowest.convergence()) {
            slowest = r;
          }
          if (!r.fleetLoss()) {
            convNoLoss.add(r.convergence());
          }
        } else {
          unconv++;
        }
        if (r.fleetLoss()) {
          losses++;
          if (r.clustersFormed() >= 2 && !r.violated("L2")) {
            reformedRuns++;
          }
        }
        r.calls().forEach((k, v) -> calls.merge(k, v, Long::sum));
        r.throttled().forEach((k, v) -> throttled.merge(k, v, Long::sum));
        r.errors().forEach((k, v) -> errors.merge(k, v, Long::sum));
        r.faults().forEach((k, v) -> faults.merge(k, (long) v, Long::sum));
        r.events().forEach((k, v) -> events.merge(k, (long) v, Long::sum));
        describePerNode[i] = r.launched() == 0 ? 0 : (double) r.describeCalls() / r.launched();
        if (r.throttledCalls() > maxThrottled) {
          maxThrottled = r.throttledCalls();
          mostThrottled = r;
        }
        checks += r.s3Checks();
        stepSum += r.steps();
      }
      this.launched = launchedSum;
      this.membersFraction = liveSum == 0 ? 0 : (double) membersSum / liveSum;
      this.convergence = conv.stream().mapToLong(Long::longValue).sorted().toArray();
      this.convergenceNoLoss = convNoLoss.stream().mapToLong(Long::longValue).sorted().toArray();
      this.unconverged = unconv;
      this.fleetLossRuns = losses;
      this.reformed = reformedRuns;
      this.maxThrottledInRun = maxThrottled;
      // Throttling breaks no property but is a target: name the run to trace, like a failure.
      this.mostThrottledReplay =
          mostThrottled == null ? null : commandOf(replayOf(settings, mostThrottled));
      // The convergence maximum is a figure worth explaining: name its run too.
      this.slowestReplay = slowest == null ? null : replayOf(settings, slowest);
      this.slowestIndex = slowest == null ? -1 : slowest.index();
      this.s3Checks = checks;
      this.steps = stepSum;
      Arrays.sort(clusters);
      Arrays.sort(describePerNode);
    }

    public Strategy strategy() {
      return strategy;
    }

    /** The most throttled calls in one run. */
    public long maxThrottledInRun() {
      return maxThrottledInRun;
    }

    /** The command that replays the run with the most throttled calls, if any was throttled. */
    public Optional<String> mostThrottledRun() {
      return Optional.ofNullable(mostThrottledReplay);
    }

    /** The options that replay the converged run that took longest to converge, if any did. */
    public Optional<List<String>> slowestRun() {
      return Optional.ofNullable(slowestReplay);
    }

    public int runs() {
      return runs;
    }

    /** Runs in which a property broke. */
    public int failedRuns() {
      return failedRuns;
    }

    /** Runs in which {@code property} (S1, S2, S3, L1, L2, ERROR) broke. */
    public int violatedRuns(String property) {
      return violatedRuns.getOrDefault(property, 0);
    }

    /** The first failing runs (at most 20), with the options that replay each. */
    public List<Failure> failures() {
      return List.copyOf(failures);
    }

    /** Every converged run's convergence in ms, in ascending order. */
    public long[] convergences() {
      return convergence.clone();
    }

    /** The index of the converged run that took longest, or -1 when none converged. */
    public int slowestRunIndex() {
      return slowestIndex;
    }

    /** Convergence percentile in ms over converged runs (nearest rank), or -1 when none. */
    public long convergence(double q) {
      return percentile(convergence, q);
    }

    /**
     * Convergence percentile over converged runs without a whole-fleet loss (those wait {@code
     * election.replace-after} by design), or -1 when none.
     */
    public long convergenceWithoutFleetLoss(double q) {
      return percentile(convergenceNoLoss, q);
    }

    public int unconverged() {
      return unconverged;
    }

    /** Describe calls per launched node, percentile over runs. */
    public double describePerNode(double q) {
      if (describePerNode.length == 0) {
        return 0;
      }
      int i = (int) Math.ceil(q * describePerNode.length) - 1;
      return describePerNode[Math.max(0, Math.min(describePerNode.length - 1, i))];
    }

    public long calls(String op) {
      return calls.getOrDefault(op, 0L);
    }

    public long throttledCalls() {
      return throttled.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Throttled calls of one operation ("ec2:DescribeInstances", "store.members"). */
    public long throttled(String op) {
      return throttled.getOrDefault(op, 0L);
    }

    /** Of {@link #throttledCalls()}, the credential store's (only with {@code --store-rate}). */
    public long storeThrottledCalls() {
      return throttled.entrySet().stream()
          .filter(e -> e.getKey().startsWith("store."))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }

    public long launched() {
      return launched;
    }

    public long s3Checks() {
      return s3Checks;
    }

    public Map<String, Long> faults() {
      return new TreeMap<>(faults);
    }

    public Map<String, Long> events() {
      return new TreeMap<>(events);
    }

    public int fleetLossRuns() {
      return fleetLossRuns;
    }

    /** Runs whose whole first fleet was lost and whose second fleet formed a new cluster. */
    public int reformedRuns() {
      return reformed;
    }

    double meanClusters() {
      return Arrays.stream(clusters).average().orElse(0);
    }

    long maxClusters() {
      return clusters.length == 0 ? 0 : clusters[clusters.length - 1];
    }

    long describeTotal() {
      return calls(SimApi.ASG) + calls(SimApi.EC2);
    }

    long storeTotal() {
      return calls.entrySet().stream()
          .filter(e -> e.getKey().startsWith("store."))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }

    double perNode(long total) {
      return launched == 0 ? 0 : (double) total / launched;
    }
  }

  private static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return -1;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  // -------------------------------------------------------------------------------------------
  // Text

  /** The text report, with the first few failing runs of each strategy. */
  public String toText() {
    return toText(false);
  }

  /**
   * The text report: each property in words next to its label, the table, the runs worth replaying,
   * and failing runs summarized (a count and the first {@value #SHOWN_FAILURES} with their replay
   * command), or all of them (up to 1,000) with {@code allFailures}.
   */
  public String toText(boolean allFailures) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "muster simulate: %d run(s) x %d node(s), seed %d%s (%.1fs wall, %d thread(s))%n",
            settings.runs(),
            settings.nodes(),
            settings.seed(),
            settings.changedOptions().isEmpty()
                ? ""
                : ", " + String.join(" ", settings.changedOptions()),
            wallTime.toMillis() / 1000.0,
            settings.threads()));
    SimulationSettings.Faults f = settings.faults();
    b.append(
        String.format(
            Locale.ROOT,
            "faults: crash %s/node, terminate mid-join %s/node, lost write %s/write, fleet loss"
                + " %s/run, API errors %s, store errors %s; view lag <= %s, stale <= %s%n%n",
            num(f.crash()),
            num(f.terminate()),
            num(f.lostWrite()),
            num(f.fleetLoss()),
            num(settings.aws().errorRate()),
            num(settings.aws().storeErrorRate()),
            io.muster.config.Durations.format(settings.fleet().viewLag()),
            io.muster.config.Durations.format(settings.fleet().stale())));
    List<String[]> rows = new ArrayList<>();
    List<String> head = new ArrayList<>(List.of(""));
    summaries.forEach(s -> head.add(s.strategy().label()));
    rows.add(head.toArray(String[]::new));
    row(rows, "runs", s -> Integer.toString(s.runs()));
    row(rows, "runs that broke a property:", s -> "");
    row(rows, "  S1 never two clusters alive at once", s -> Integer.toString(s.violatedRuns("S1")));
    row(
        rows,
        "  S2 an ex-member never forms a cluster",
        s -> s.strategy() == Strategy.MUSTER ? Integer.toString(s.violatedRuns("S2")) : "n/a");
    row(
        rows,
        "  S3 join on a member changes nothing",
        s ->
            s.strategy() == Strategy.MUSTER
                ? s.violatedRuns("S3") + " of " + s.s3Checks() + " re-runs"
                : "n/a");
    row(
        rows,
        "  L1 every node joins within " + io.muster.config.Durations.format(l1Bound()),
        s -> Integer.toString(s.violatedRuns("L1")));
    row(
        rows,
        "  L2 a lost fleet's successor forms once",
        s -> s.violatedRuns("L2") + " of " + s.fleetLossRuns() + " losses");
    row(rows, "  simulation errors", s -> Integer.toString(s.violatedRuns("ERROR")));
    row(
        rows,
        "re-formed after the whole fleet was lost",
        s -> s.reformedRuns() + " runs (by design)");
    row(rows, "second cluster while one lived (S1)", s -> s.violatedRuns("S1") + " runs");
    row(
        rows,
        "live nodes in the largest cluster at the end",
        s -> String.format(Locale.ROOT, "%.2f%%", 100 * s.membersFraction));
    row(rows, "convergence p50/p99/max", s -> percentiles(s::convergence));
    row(rows, "  runs without fleet loss", s -> percentiles(s::convergenceWithoutFleetLoss));
    row(rows, "runs never complete", s -> Integer.toString(s.unconverged()));
    row(
        rows,
        "describe calls/node (p99 run)",
        s ->
            String.format(
                Locale.ROOT, "%.1f (%.1f)", s.perNode(s.describeTotal()), s.describePerNode(0.99)));
    row(
        rows,
        "  DescribeAutoScalingGroups",
        s -> String.format(Locale.ROOT, "%.1f", s.perNode(s.calls(SimApi.ASG))));
    row(
        rows,
        "  DescribeInstances",
        s -> String.format(Locale.ROOT, "%.1f", s.perNode(s.calls(SimApi.EC2))));
    row(
        rows,
        "throttled calls (max in a run)",
        s -> s.throttledCalls() + " (" + s.maxThrottledInRun + ")");
    row(rows, "  of them store calls", s -> Long.toString(s.storeThrottledCalls()));
    row(
        rows,
        "store calls/node",
        s -> String.format(Locale.ROOT, "%.1f", s.perNode(s.storeTotal())));
    row(rows, "agent steps/node", s -> String.format(Locale.ROOT, "%.1f", s.perNode(s.steps)));
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        b.append(i == 0 ? pad(r[i], width[i]) : "  " + padLeft(r[i], width[i]));
      }
      b.append('\n');
    }
    b.append(
        "\nconvergence: time from the moment every node can see every other (last boot +"
            + " view lag) to one cluster of every live node.\n");
    for (Summary s : summaries) {
      if (s.mostThrottledReplay != null) {
        b.append(
            String.format(
                Locale.ROOT,
                "%s: most throttled run (%d calls): %s%n",
                s.strategy().label(),
                s.maxThrottledInRun,
                s.mostThrottledReplay));
      }
    }
    for (Summary s : summaries) {
      if (s.slowestReplay != null && s.runs > 1) {
        b.append(
            String.format(
                Locale.ROOT,
                "%s: slowest run (converged in %.1fs): %s%n",
                s.strategy().label(),
                s.convergence(1.0) / 1000.0,
                commandOf(s.slowestReplay)));
      }
    }
    for (Summary s : summaries) {
      if (s.failures().isEmpty()) {
        continue;
      }
      List<Failure> shown =
          allFailures
              ? s.failures()
              : s.failures().subList(0, Math.min(SHOWN_FAILURES, s.failures().size()));
      Map<String, Integer> byProperty = new LinkedHashMap<>();
      s.violatedRuns.forEach(
          (p, n) -> {
            if (n > 0) {
              byProperty.put(p, n);
            }
          });
      b.append('\n')
          .append(s.strategy().label())
          .append(": ")
          .append(s.failedRuns())
          .append(" failing run(s) ")
          .append(byProperty)
          .append(s.failedRuns() > shown.size() ? "; the first " + shown.size() : "")
          .append(":\n");
      for (Failure fl : shown) {
        b.append(
            String.format(
                Locale.ROOT,
                "  run %d %s at %s: %s%n    replay: %s%n",
                fl.index(),
                fl.violation().property(),
                secs(fl.violation().at()),
                fl.violation().detail(),
                fl.command()));
      }
      if (s.failedRuns() > shown.size()) {
        b.append(
            String.format(
                Locale.ROOT,
                "  ... %d more: --all-failures lists %s%n",
                s.failedRuns() - shown.size(),
                s.failedRuns() > KEPT_FAILURES ? "the first " + KEPT_FAILURES : "them all"));
      }
    }
    return b.toString();
  }

  private Duration l1Bound() {
    return settings.protocol().l1Bound();
  }

  private void row(
      List<String[]> rows, String label, java.util.function.Function<Summary, String> f) {
    List<String> r = new ArrayList<>(List.of(label));
    summaries.forEach(s -> r.add(f.apply(s)));
    rows.add(r.toArray(String[]::new));
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(w - s.length());
  }

  private static String padLeft(String s, int w) {
    return " ".repeat(w - s.length()) + s;
  }

  /** "p50 / p99 / max" of a convergence distribution, in seconds. */
  private static String percentiles(java.util.function.DoubleToLongFunction at) {
    return secs(at.applyAsLong(0.5))
        + " / "
        + secs(at.applyAsLong(0.99))
        + " / "
        + secs(at.applyAsLong(1.0));
  }

  private static String secs(long ms) {
    return ms < 0 ? "-" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  private static String num(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  // -------------------------------------------------------------------------------------------
  // JSON

  /**
   * The report as JSON (deterministic: no wall-clock figures), with every run's own figures when
   * there are at most 100 runs.
   */
  public String toJson() {
    return toJson(settings.runs() <= 100);
  }

  /**
   * The report as JSON; {@code perRun} adds each run's figures under {@code strategies[].perRun}.
   */
  public String toJson(boolean perRun) {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = m.createObjectNode();
    ObjectNode set = root.putObject("settings");
    for (SimulationSettings.Option o : SimulationSettings.options()) {
      if (!o.name().equals("threads")) {
        set.put(o.name(), o.current().apply(settings));
      }
    }
    ArrayNode forced = set.putArray("force");
    settings.forced().forEach(f -> forced.add(f.toString()));
    ArrayNode strategies = root.putArray("strategies");
    for (Summary s : summaries) {
      ObjectNode o = strategies.addObject();
      o.put("strategy", s.strategy().label());
      o.put("runs", s.runs());
      o.put("failedRuns", s.failedRuns());
      ObjectNode v = o.putObject("violatedRuns");
      s.violatedRuns.forEach(v::put);
      o.put("s3Checks", s.s3Checks());
      o.put("fleetLossRuns", s.fleetLossRuns());
      ObjectNode c = o.putObject("clustersFormed");
      c.put("mean", round(s.meanClusters()));
      c.put("max", s.maxClusters());
      o.put("liveNodesInLargestCluster", round(s.membersFraction));
      ObjectNode conv = o.putObject("convergenceMs");
      conv.put("p50", s.convergence(0.5));
      conv.put("p99", s.convergence(0.99));
      conv.put("max", s.convergence(1.0));
      conv.put("unconvergedRuns", s.unconverged());
      ObjectNode noLoss = conv.putObject("withoutFleetLoss");
      noLoss.put("p50", s.convergenceWithoutFleetLoss(0.5));
      noLoss.put("p99", s.convergenceWithoutFleetLoss(0.99));
      noLoss.put("max", s.convergenceWithoutFleetLoss(1.0));
      o.put("nodesLaunched", s.launched());
      ObjectNode api = o.putObject("calls");
      s.calls.forEach(
          (k, val) -> {
            ObjectNode op = api.putObject(k);
            op.put("total", val);
            op.put("perNode", round(s.perNode(val)));
            op.put("throttled", s.throttled.getOrDefault(k, 0L));
            op.put("errors", s.errors.getOrDefault(k, 0L));
          });
      ObjectNode d = o.putObject("describeCallsPerNode");
      d.put("mean", round(s.perNode(s.describeTotal())));
      d.put("p99Run", round(s.describePerNode(0.99)));
      d.put("maxRun", round(s.describePerNode(1.0)));
      o.put("throttledCalls", s.throttledCalls());
      o.put("maxThrottledInRun", s.maxThrottledInRun);
      if (s.mostThrottledReplay != null) {
        o.put("mostThrottledRun", s.mostThrottledReplay);
      }
      if (s.slowestReplay != null) {
        o.put("slowestRun", commandOf(s.slowestReplay));
      }
      o.put("steps", s.steps);
      ObjectNode fl = o.putObject("faults");
      s.faults.forEach(fl::put);
      ObjectNode ev = o.putObject("events");
      s.events.forEach(ev::put);
      ArrayNode fails = o.putArray("failures");
      for (Failure f : s.failures()) {
        ObjectNode x = fails.addObject();
        x.put("run", f.index());
        x.put("seed", f.seed());
        x.put("property", f.violation().property());
        x.put("atMs", f.violation().at());
        x.put("detail", f.violation().detail());
        x.put("replay", f.command());
      }
      if (perRun) {
        ArrayNode runs = o.putArray("perRun");
        for (RunResult r : runs(s.strategy())) {
          runs.add(runJson(m, r));
        }
      }
    }
    try {
      return m.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode runJson(ObjectMapper m, RunResult r) {
    ObjectNode x = m.createObjectNode();
    x.put("run", r.index());
    x.put("seed", r.seed());
    x.put("launched", r.launched());
    x.put("liveAtEnd", r.liveAtEnd());
    x.put("membersAtEnd", r.membersAtEnd());
    x.put("clustersFormed", r.clustersFormed());
    x.put("liveClustersAtEnd", r.liveClustersAtEnd());
    x.put("fleetLoss", r.fleetLoss());
    x.put("visibleAtMs", r.visibleAt());
    x.put("completeAtMs", r.completeAt());
    x.put("convergenceMs", r.convergence());
    x.put("endMs", r.end());
    ArrayNode v = x.putArray("violations");
    for (RunResult.Violation violation : r.violations()) {
      v.addObject()
          .put("property", violation.property())
          .put("atMs", violation.at())
          .put("detail", violation.detail());
    }
    ObjectNode calls = x.putObject("calls");
    new TreeMap<>(r.calls()).forEach(calls::put);
    ObjectNode throttled = x.putObject("throttled");
    new TreeMap<>(r.throttled()).forEach(throttled::put);
    ObjectNode faults = x.putObject("faults");
    new TreeMap<>(r.faults()).forEach(faults::put);
    x.put("s3Checks", r.s3Checks());
    x.put("steps", r.steps());
    return x;
  }

  private static double round(double d) {
    return BigDecimal.valueOf(d).setScale(4, RoundingMode.HALF_EVEN).doubleValue();
  }
}
