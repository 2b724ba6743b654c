package io.muster.sim;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a deterministic fleet simulation: {@code runs} randomized worlds, each bootstrapped by every
 * requested strategy (the real {@link io.muster.bootstrap.JoinFlow}, and the naive script), on
 * virtual time, checking S1..L2 at every event. Runs are spread over a fixed pool of threads and
 * aggregated by run index, so the report does not depend on the thread count or scheduling.
 */
public final class Simulator {
  private Simulator() {}

  public static SimulationReport run(SimulationSettings s, Progress progress) {
    long started = System.nanoTime();
    int runs = s.runs();
    List<Strategy> strategies = s.strategies();
    RunResult[][] results = new RunResult[runs][strategies.size()];
    AtomicInteger next = new AtomicInteger();
    int[] counters = new int[2]; // done, failing (guarded by counters)
    int threads = Math.min(s.threads(), runs);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "muster-sim");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        workers.add(
            pool.submit(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < runs) {
                    boolean failing = false;
                    for (int k = 0; k < strategies.size(); k++) {
                      RunResult r = runOne(s, strategies.get(k), i);
                      results[i][k] = r;
                      failing |= r.strategy() == Strategy.MUSTER && r.failed();
                    }
                    synchronized (counters) {
                      counters[0]++;
                      if (failing) {
                        counters[1]++;
                      }
                      progress.update(counters[0], runs, counters[1]);
                    }
                  }
                }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("simulation interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("simulation worker failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    List<List<RunResult>> byStrategy = new ArrayList<>();
    for (int k = 0; k < strategies.size(); k++) {
      List<RunResult> list = new ArrayList<>(runs);
      for (int i = 0; i < runs; i++) {
        list.add(results[i][k]);
      }
      byStrategy.add(list);
    }
    return new SimulationReport(s, byStrategy, Duration.ofNanos(System.nanoTime() - started));
  }

  /** One run; an exception escaping the real code is a finding, reported with the run's seed. */
  static RunResult runOne(SimulationSettings s, Strategy strategy, int index) {
    try {
      return new SimRun(s, strategy, index).run();
    } catch (RuntimeException e) {
      StringBuilder where = new StringBuilder(e.toString());
      Arrays.stream(e.getStackTrace()).limit(8).forEach(f -> where.append(" at ").append(f));
      return new RunResult(
          strategy,
          index,
          s.runSeed(index),
          0,
          0,
          0,
          0,
          0,
          false,
          -1,
          -1,
          -1,
          -1,
          List.of(new RunResult.Violation("ERROR", -1, where.toString())),
          Map.of(),
          Map.of(),
          Map.of(),
          Map.of(),
          Map.of(),
          0,
          0);
    }
  }

  /**
   * Replays run {@code index} of {@code strategy} and returns its trace: every launch, step,
   * decision, bootstrap event, fault and cluster change, one line each, in virtual time.
   */
  public static List<String> trace(SimulationSettings s, Strategy strategy, int index) {
    List<String> lines = new ArrayList<>();
    RunResult r = new SimRun(s, strategy, index).traceTo(lines::add).run();
    for (RunResult.Violation v : r.violations()) {
      lines.add("VIOLATION " + v.property() + " at " + v.at() / 1000.0 + "s: " + v.detail());
    }
    lines.add(summaryLine(r));
    return lines;
  }

  /** The trace's last line: how the run ended, in the report's terms. */
  static String summaryLine(RunResult r) {
    long throttled = r.throttled().values().stream().mapToLong(Long::longValue).sum();
    long calls = r.calls().values().stream().mapToLong(Long::longValue).sum();
    return String.format(
        "END at %.1fs: %s; %d of %d live nodes in the largest cluster, %d live cluster(s), %d"
            + " formed%s; %d API and store calls (%d throttled); %s",
        r.end() / 1000.0,
        r.convergence() < 0
            ? "never complete"
            : String.format(
                "complete %.1fs after every node could see every other", r.convergence() / 1000.0),
        r.membersAtEnd(),
        r.liveAtEnd(),
        r.liveClustersAtEnd(),
        r.clustersFormed(),
        r.fleetLoss() ? " (the first fleet was lost and a second one launched)" : "",
        calls,
        throttled,
        r.violations().isEmpty()
            ? "no property broken"
            : r.violations().size() + " violation(s) above");
  }

  /** What one run asked of the account's APIs, second by second, and the quotas it ran under. */
  public record Load(Map<String, List<Integer>> perSecond, Map<String, Double> storeQuota) {}

  /** Replays run {@code index} of {@code strategy}, recording its API requests per second. */
  public static Load load(SimulationSettings s, Strategy strategy, int index) {
    SimRun run = new SimRun(s, strategy, index).recordingPerSecond();
    run.run();
    return new Load(run.perSecond(), run.quotaLines());
  }

  /**
   * The report's picture ({@link SimulationPlot}): convergence of every strategy, and the API load
   * of muster's slowest run, replayed to record it.
   */
  public static String plot(SimulationReport report) {
    Load load = null;
    String label = "";
    if (report.settings().strategies().contains(Strategy.MUSTER)) {
      SimulationReport.Summary m = report.summary(Strategy.MUSTER);
      if (m.slowestRunIndex() >= 0) {
        load = load(report.settings(), Strategy.MUSTER, m.slowestRunIndex());
        label = "seed " + report.settings().runSeed(m.slowestRunIndex());
      }
    }
    return SimulationPlot.svg(report, load, label);
  }

  /**
   * {@code java io.muster.sim.Simulator [--output text|json] [options]}: the same options as {@code
   * muster simulate} (see {@link SimulationSettings#options()}); progress on stderr; exit 1 when
   * muster broke a property.
   */
  public static void main(String[] args) {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    String output = "text";
    int o = rest.indexOf("--output");
    if (o >= 0 && o + 1 < rest.size()) {
      output = rest.get(o + 1);
      rest.subList(o, o + 2).clear();
    }
    boolean trace = rest.remove("--trace");
    boolean allFailures = rest.remove("--all-failures");
    String plot = null;
    int pl = rest.indexOf("--plot");
    if (pl >= 0 && pl + 1 < rest.size()) {
      plot = rest.get(pl + 1);
      rest.subList(pl, pl + 2).clear();
    }
    SimulationSettings s;
    try {
      s = SimulationSettings.parse(rest);
    } catch (IllegalArgumentException e) {
      System.err.println("muster simulate: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (trace) {
      for (Strategy st : s.strategies()) {
        System.out.println("== " + st.label() + " run 0 (seed " + s.seed() + ")");
        trace(s, st, 0).forEach(System.out::println);
      }
      return;
    }
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    SimulationReport report = run(s, ProgressLine.forStderr(err));
    System.out.println(output.equals("json") ? report.toJson() : report.toText(allFailures));
    if (plot != null) {
      try {
        java.nio.file.Files.writeString(java.nio.file.Path.of(plot), plot(report));
      } catch (java.io.IOException e) {
        System.err.println("muster simulate: cannot write --plot " + plot + ": " + e.getMessage());
        System.exit(1);
      }
    }
    System.exit(report.failed(Strategy.MUSTER) ? 1 : 0);
  }
}
