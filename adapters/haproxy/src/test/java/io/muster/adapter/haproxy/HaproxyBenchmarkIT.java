package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.config.Settings;
import io.muster.plugin.PluginContext;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import io.muster.process.SystemProcessRunner;
import io.muster.time.Sleeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The same 20 membership steps under the same load, applied (a) the way operators do it without
 * muster: re-render the whole configuration with the full server list, check it and reload through
 * the master CLI on every change; and (b) through the follower's Runtime API path. Reports failed
 * requests, latency and the time from a change to the first request on the new server, in
 * target/haproxy-benchmark.md. Asserts only that muster's path fails no request and no more than
 * the reload path; timings are reported, not asserted (they depend on the machine).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HaproxyBenchmarkIT {
  // HAProxy 2.6 gives runtime-added servers no idle-connection pool unless asked (pool-max-conn 0),
  // unlike servers read from the file: these options make both kinds alike (see the docs).
  static final String OPTIONS = "check inter 2s pool-max-conn -1 pool-purge-delay 5s";
  private static final Duration DWELL = Duration.ofMillis(1200);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final int THREADS = 4;

  private Path dir;
  private Backends backends;
  private HaproxyProcess haproxy;
  private final SystemProcessRunner processes = new SystemProcessRunner();

  /** One path's numbers. */
  record Run(
      String path,
      long requests,
      double perSecond,
      long failed,
      List<String> failures,
      double p50,
      double p99,
      double firstMedian,
      double firstMax,
      int missing,
      int lateArrivals,
      double applyMedian,
      int reloads) {}

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("muster-haproxy-bench");
    backends = Backends.start(5);
    haproxy = HaproxyProcess.start(dir, serverLines(Steps.INITIAL));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (haproxy != null) {
        haproxy.close();
      }
    } finally {
      if (backends != null) {
        backends.close();
      }
      HaproxyFollowerIT.deleteTree(dir);
    }
  }

  @Test
  void runtimeApiVersusReRenderAndReload() throws Exception {
    // Warm up the JIT of the load generator and the backends before measuring anything.
    LoadGenerator warm =
        LoadGenerator.start(haproxy.frontendPort(), THREADS, Duration.ofSeconds(3));
    Thread.sleep(3000);
    warm.stop();

    MasterCli master = new MasterCli(haproxy.master(), Clock.systemUTC(), Sleeper.SYSTEM);
    Run reload = measure("re-render + reload (master CLI)", this::renderAndReload);

    // Back to the initial membership, and let the old workers finish.
    renderAndReload(Steps.INITIAL);
    Thread.sleep(2000);
    int reloadsBefore = master.status().reloads();

    HaproxyFollower follower = follower();
    follower.membersChanged(backends.peers(Steps.INITIAL));
    Run muster =
        measure("muster follower (Runtime API)", k -> follower.membersChanged(backends.peers(k)));
    int musterReloads = master.status().reloads() - reloadsBefore;
    muster =
        new Run(
            muster.path(),
            muster.requests(),
            muster.perSecond(),
            muster.failed(),
            muster.failures(),
            muster.p50(),
            muster.p99(),
            muster.firstMedian(),
            muster.firstMax(),
            muster.missing(),
            muster.lateArrivals(),
            muster.applyMedian(),
            musterReloads);

    String report = report(List.of(reload, muster));
    Path out = Path.of(System.getProperty("basedir", ".")).resolve("target/haproxy-benchmark.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    System.out.println(report);

    assertThat(muster.failures()).as("failed requests on muster's path").isEmpty();
    assertThat(muster.failed()).isZero().isLessThanOrEqualTo(reload.failed());
    assertThat(muster.reloads()).as("muster never reloads for a membership change").isZero();
    assertThat(muster.requests()).isGreaterThan(1000);
    assertThat(reload.requests()).isGreaterThan(1000);
  }

  private int reloadsDone;

  /** What operators do today: the whole file from a template, checked, then a reload. */
  private void renderAndReload(List<String> keys) throws Exception {
    Path cfg = haproxy.config();
    Path tmp = cfg.resolveSibling(".haproxy.cfg.render");
    Files.writeString(tmp, haproxy.render(serverLines(keys)), StandardCharsets.UTF_8);
    ProcessResult check =
        processes.run(
            Command.of(Duration.ofSeconds(60), "haproxy", "-c", "-q", "-f", tmp.toString()));
    assertThat(check.exitCode()).as(check.stderr()).isZero();
    Files.move(tmp, cfg, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    new MasterCli(haproxy.master(), Clock.systemUTC(), Sleeper.SYSTEM)
        .reload(Duration.ofSeconds(30));
    haproxy.noteWorkers();
    reloadsDone++;
  }

  private Run measure(String path, Steps.Apply apply) throws Exception {
    int reloadsAtStart = reloadsDone;
    LoadGenerator load =
        LoadGenerator.start(haproxy.frontendPort(), THREADS, Duration.ofMinutes(2));
    List<Steps.Result> results;
    try {
      results = Steps.run(backends, apply, DWELL, WAIT);
    } finally {
      load.stop();
    }
    List<Double> first = new ArrayList<>();
    int missing = 0;
    int late = 0;
    List<Double> applies = new ArrayList<>();
    for (Steps.Result r : results) {
      for (double ms : r.firstRequestMillis()) {
        if (ms < 0) {
          missing++;
        } else {
          first.add(ms);
        }
      }
      late += r.lateArrivals().stream().mapToInt(Integer::intValue).sum();
      applies.add(r.applyMillis());
      System.out.println("[benchmark] " + path + " " + r);
    }
    return new Run(
        path,
        load.succeeded() + load.failed(),
        (load.succeeded() + load.failed()) / load.seconds(),
        load.failed(),
        load.failures(),
        load.percentileMillis(50),
        load.percentileMillis(99),
        median(first),
        first.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
        missing,
        late,
        median(applies),
        reloadsDone - reloadsAtStart);
  }

  private List<String> serverLines(List<String> keys) throws Exception {
    List<String> lines = new ArrayList<>();
    for (DesiredServer s : DesiredServer.of(backends.peers(keys), backends.port)) {
      lines.add("server " + s.name() + " " + s.endpoint() + " " + OPTIONS);
    }
    return lines;
  }

  private HaproxyFollower follower() {
    Settings s =
        Settings.empty()
            .with(HaproxyProvider.BACKEND, HaproxyProcess.BACKEND)
            .with(HaproxyProvider.SERVER_PORT, String.valueOf(backends.port))
            .with(HaproxyProvider.SERVER_OPTIONS, OPTIONS)
            .with(HaproxyProvider.RUNTIME_SOCKET, haproxy.runtimeSocket().toString())
            .with(HaproxyProvider.MASTER_SOCKET, haproxy.masterSocket().toString())
            .with(HaproxyProvider.MAIN_CONFIG, haproxy.config().toString());
    return (HaproxyFollower)
        new HaproxyProvider()
            .create(new PluginContext(s, () -> null, processes, Clock.systemUTC(), Sleeper.SYSTEM));
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private String report(List<Run> runs) throws Exception {
    ProcessResult version = processes.run(Command.of(Duration.ofSeconds(10), "haproxy", "-v"));
    StringBuilder b = new StringBuilder();
    b.append("### HAProxy: membership changes under load, reload vs Runtime API\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "%s, %s, %d CPU(s), %s. %d load threads (Java HttpClient, HTTP/1.1 keep-alive)"
                    + " through one frontend; 5 backends; the same %d steps per path, %d ms apart;"
                    + " server options `%s`.%n%n",
                LocalDate.now(),
                version
                    .stdout()
                    .lines()
                    .findFirst()
                    .orElse("haproxy ?")
                    .replace(" - https://haproxy.org/", ""),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                THREADS,
                Steps.ALL.size(),
                DWELL.toMillis(),
                OPTIONS))
        .append(
            "| path | requests | requests/s | failed | p50 ms | p99 ms | change -> first request on new"
                + " server, median ms | max ms | new servers never reached | requests to removed"
                + " servers > 1 s after change | apply median ms | HAProxy reloads |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Run r : runs) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.0f | %d | %.1f | %.1f | %.0f | %.0f | %d | %d | %.0f | %d |%n",
              r.path(),
              r.requests(),
              r.perSecond(),
              r.failed(),
              r.p50(),
              r.p99(),
              r.firstMedian(),
              r.firstMax(),
              r.missing(),
              r.lateArrivals(),
              r.applyMedian(),
              r.reloads()));
    }
    for (Run r : runs) {
      if (!r.failures().isEmpty()) {
        b.append("\nFailures on ")
            .append(r.path())
            .append(" (first ")
            .append(r.failures().size())
            .append("): ");
        b.append(String.join("; ", new java.util.LinkedHashSet<>(r.failures()))).append('\n');
      }
    }
    b.append(
        "\nCommand: `mvn -B -o -q -pl adapters/haproxy -am verify -Dtest=NONE"
            + " -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dit.test=HaproxyBenchmarkIT -Dfailsafe.failIfNoSpecifiedTests=false`"
            + " (needs the Debian haproxy package; root is not needed).\n");
    return b.toString();
  }
}
