package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeEc2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Cold-process wall time and peak RSS of {@code ./muster peers}, exactly as an operator runs it,
 * with static discovery and with ec2-tags against a loopback EC2 endpoint (50 tagged instances).
 * Reports medians to target/startup-benchmark.md; asserts only that every run succeeded.
 *
 * <p>Run alone: {@code ./mvnw -B -pl packaging -am verify -Dit.test=StartupBenchmarkIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
class StartupBenchmarkIT {
  static final int RUNS = 11;
  static final Path MUSTER = Path.of("..", "muster").toAbsolutePath().normalize();
  static final Pattern RSS = Pattern.compile("MUSTER_RSS_KB=(\\d+)");

  record Sample(double seconds, long rssKb) {}

  @Test
  void peersStartsFastAndSmall() throws Exception {
    requireTime();
    try (FakeAwsQueryServer server = FakeAwsQueryServer.start()) {
      FakeEc2 ec2 = new FakeEc2(server);
      for (int i = 1; i <= 50; i++) {
        ec2.add(
            FakeEc2.Instance.running(String.format("i-%017x", i), "10.0.3." + i)
                .withTags(Map.of("cluster", "bench")));
      }
      List<String> staticArgs =
          List.of(
              "peers", "-c", Path.of("..", "examples", "static.yaml").toAbsolutePath().toString());
      List<String> tagArgs =
          List.of(
              "peers",
              "--discovery",
              "ec2-tags",
              "--tag",
              "cluster=bench",
              "--endpoint-url",
              server.endpoint().toString(),
              "--region",
              "eu-west-1",
              "--node-address",
              "10.0.3.7",
              "--node-instance-id",
              String.format("i-%017x", 7));
      run(staticArgs); // first run writes the class-data archive, as ./muster does on first use
      List<Sample> st = samples(staticArgs);
      List<Sample> tags = samples(tagArgs);
      String table =
          "| scenario | runs | median wall (s) | max wall (s) | median peak RSS (MB) | max peak RSS (MB) |\n"
              + "| --- | --- | --- | --- | --- | --- |\n"
              + row("`peers` static (examples/static.yaml)", st)
              + row("`peers` ec2-tags, 50 instances, loopback endpoint", tags);
      Path out = Path.of("target", "startup-benchmark.md");
      Files.writeString(out, table);
      System.out.println(
          "startup benchmark ("
              + Runtime.getRuntime().availableProcessors()
              + " cores):\n"
              + table);
    }
  }

  private static String row(String name, List<Sample> s) {
    List<Double> wall = new ArrayList<>(s.stream().map(Sample::seconds).toList());
    List<Long> rss = new ArrayList<>(s.stream().map(Sample::rssKb).toList());
    Collections.sort(wall);
    Collections.sort(rss);
    return String.format(
        "| %s | %d | %.2f | %.2f | %.0f | %.0f |%n",
        name,
        s.size(),
        wall.get(wall.size() / 2),
        wall.get(wall.size() - 1),
        rss.get(rss.size() / 2) / 1024.0,
        rss.get(rss.size() - 1) / 1024.0);
  }

  private static List<Sample> samples(List<String> args) throws Exception {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      out.add(run(args));
    }
    return out;
  }

  private static Sample run(List<String> args) throws Exception {
    List<String> argv =
        new ArrayList<>(List.of("/usr/bin/time", "-f", "MUSTER_RSS_KB=%M", MUSTER.toString()));
    argv.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().put("MUSTER_SKIP_BUILD", "1");
    pb.environment().putAll(MusterCli.NO_INSTANCE_METADATA);
    pb.environment().put("AWS_ACCESS_KEY_ID", "AKIDBENCHMARK");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "benchmark-secret");
    long t0 = System.nanoTime();
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(code).as("muster %s failed: %s", args, stderr).isZero();
    assertThat(stdout).contains("decision:");
    Matcher m = RSS.matcher(stderr);
    assertThat(m.find()).as("no RSS figure in %s", stderr).isTrue();
    return new Sample(seconds, Long.parseLong(m.group(1)));
  }

  private static void requireTime() throws IOException {
    if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
      throw new IllegalStateException("this benchmark needs GNU time: apt-get install time");
    }
  }
}
