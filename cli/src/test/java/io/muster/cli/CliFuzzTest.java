package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.cli.MainTest.Run;
import io.muster.config.Key;
import io.muster.plugin.Plugins;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The hostile user, bounded (issue "Fail before acting", Tests): random mutations of a valid local
 * configuration, of the environment and of the flags, each run through `config check` and `join
 * --dry-run` as a user would. Whatever the input: no stack trace, no hang, a message on every
 * non-zero exit, only the documented exit codes, and `config check` rejects (2) exactly what `join
 * --dry-run` rejects as a configuration error (2).
 *
 * <p>Everything is local: static or DNS discovery pointed at a closed loopback port, the file
 * store, AWS and instance metadata at a closed loopback port.
 */
class CliFuzzTest {
  private static final Path DIR = tempDir();
  private static final String CLOSED = "http://127.0.0.1:9";
  private static final ExecutorService RUNNER = Executors.newCachedThreadPool();

  private static final Map<String, String> BASE = base();

  private static Map<String, String> base() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("cluster.name", "fuzz");
    m.put("node.address", "127.0.0.1");
    m.put("node.instance-id", "n1");
    m.put("node.region", "eu-west-1");
    m.put("node.imds-endpoint", CLOSED);
    m.put("node.imds-timeout", "100ms");
    m.put("aws.endpoint-url", CLOSED);
    m.put("state.dir", DIR.resolve("state").toString());
    m.put("discovery.provider", "static");
    m.put("discovery.static.peers", "[n1=127.0.0.1, n2=127.0.0.2]");
    m.put("discovery.dns.server", "127.0.0.1:9");
    m.put("discovery.dns.timeout", "100ms");
    m.put("store.provider", "file");
    m.put("store.file.dir", DIR.resolve("store").toString());
    m.put("adapter.name", "exec");
    m.put("adapter.exec.form", "[/bin/true]");
    m.put("adapter.exec.join", "[/bin/true]");
    return m;
  }

  /** Values a user might write, right and wrong; also hostile ones. */
  private static final List<String> VALUES =
      List.of(
          "-5s",
          "0",
          "-1",
          "1",
          "3",
          "65535",
          "70000",
          "99999999999999999999",
          "99999999999999h",
          "10s",
          "100ms",
          "0s",
          "25h",
          "true",
          "maybe",
          "",
          "text",
          "json",
          "warn",
          "static",
          "dns",
          "asg",
          "file",
          "ssm",
          "exec",
          "ejabberd",
          "swarm",
          "haproxy",
          "consul",
          "127.0.0.1",
          "::1",
          "0.0.0.0",
          "224.0.0.1",
          "not-an-ip",
          "/proc",
          "/dev/null",
          "/nonexistent/dir",
          "rel/dir",
          "../x",
          "a/b",
          "/bin/true",
          "/bin/false",
          "no-such-program",
          "n1=127.0.0.1",
          "x=y,z",
          "{k: v}",
          "[a, b]",
          "ünïcödé",
          "${HOME}",
          "'quoted'",
          "a\tb",
          "very-" + "long-".repeat(60) + "value",
          CLOSED,
          "ftp://x",
          "127.0.0.1:9",
          "eu-west-1",
          "EU WEST",
          "'0400'",
          "manager",
          "Worker",
          "-",
          "--");

  private static final List<Key> KEYS =
      Plugins.keys().keys().stream()
          // debug logs print stack traces on purpose; the log format has its own test
          .filter(k -> !k.name().equals("log.level"))
          .sorted(java.util.Comparator.comparing(Key::name))
          .toList();

  private static final List<Key> FLAGGED = KEYS.stream().filter(k -> k.flag() != null).toList();

  sealed interface Mutation {}

  record FileValue(String key, String value) implements Mutation {}

  record FileRemove(String key) implements Mutation {}

  record FileRaw(String line) implements Mutation {}

  record Env(String name, String value) implements Mutation {}

  record Flag(String flag, String value) implements Mutation {}

  record Case(List<Mutation> mutations) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<String> keyNames = Arbitraries.of(KEYS).map(Key::name);
    Arbitrary<String> values = Arbitraries.of(VALUES);
    Arbitrary<Mutation> m =
        Arbitraries.frequencyOf(
            Tuple.of(8, Combinators.combine(keyNames, values).as(FileValue::new)),
            Tuple.of(3, keyNames.map(FileRemove::new)),
            Tuple.of(
                2,
                Arbitraries.of(
                        "clustr:\n  name: x",
                        "cluster.name: a\ncluster.name: b",
                        "node: [1, 2]",
                        "- just a list",
                        ": :",
                        "discovery: {provider: static, nope: 1}",
                        "\t tab: indented",
                        "&a x: *a",
                        "big: " + "9".repeat(400))
                    .map(FileRaw::new)),
            Tuple.of(
                4,
                Combinators.combine(
                        Arbitraries.oneOf(
                            Arbitraries.of(KEYS).map(Key::env),
                            Arbitraries.of("MUSTER_NO_SUCH_SETTING", "MUSTER_SKIP_BUILD")),
                        values)
                    .as(Env::new)),
            Tuple.of(
                4,
                Combinators.combine(Arbitraries.of(FLAGGED).map(Key::flag), values).as(Flag::new)));
    return m.list().ofMinSize(1).ofMaxSize(4).map(Case::new);
  }

  @Property(tries = 200, seed = "14")
  void noStackTraceNoHangAMessageOnEveryFailureAndCheckAgreesWithDryRun(@ForAll("cases") Case c)
      throws Exception {
    Map<String, String> config = new LinkedHashMap<>(BASE);
    List<String> raw = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    List<String> flags = new ArrayList<>();
    for (Mutation m : c.mutations()) {
      if (m instanceof FileValue v) {
        config.put(v.key(), yaml(v.value()));
      } else if (m instanceof FileRemove r) {
        config.remove(r.key());
      } else if (m instanceof FileRaw r) {
        raw.add(r.line());
      } else if (m instanceof Env e) {
        env.put(e.name(), e.value());
      } else if (m instanceof Flag f) {
        flags.add(f.flag());
        flags.add(f.value());
      }
    }
    Path file = write(config, raw);

    Run check = run(env, concat(List.of("config", "check", "-c", file.toString()), flags));
    Run dryRun = run(env, concat(List.of("join", "--dry-run", "-c", file.toString()), flags));

    String input = "input: " + c + "\n--- file\n" + Files.readString(file);
    for (Run r : List.of(check, dryRun)) {
      assertThat(r.code()).as("exit code; " + input + "\n" + r.err()).isIn(0, 1, 2);
      assertThat(r.err())
          .as("a stack trace; " + input)
          .doesNotContain("\tat ")
          .doesNotContain("Exception in thread")
          .doesNotContain("OutOfMemoryError");
      if (r.code() != 0) {
        assertThat(r.err().strip()).as("a failure without a message; " + input).isNotEmpty();
      }
    }
    assertThat(check.code()).as("config check; " + input + "\n" + check.err()).isIn(0, 2);
    Statistics.collect("check " + check.code() + ", dry run " + dryRun.code());
    assertThat(check.code() == 2)
        .as(
            "config check exited %d, join --dry-run %d:%n%s%n--- check%n%s--- dry run%n%s",
            check.code(), dryRun.code(), input, check.err(), dryRun.err())
        .isEqualTo(dryRun.code() == 2);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** A value as a YAML scalar; lists and maps as they are written. */
  private static String yaml(String v) {
    if (v.isEmpty()) {
      return "''";
    }
    return v;
  }

  private static Run run(Map<String, String> env, List<String> args) throws Exception {
    Future<Run> f = RUNNER.submit(() -> MainTest.run(env, args.toArray(String[]::new)));
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError("muster " + String.join(" ", args) + " hung (over 60 s)");
    }
  }

  private static Path write(Map<String, String> config, List<String> raw) throws IOException {
    StringBuilder yaml = new StringBuilder();
    config.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
    raw.forEach(l -> yaml.append(l).append('\n'));
    Path f = Files.createTempFile(DIR, "fuzz", ".yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("cli-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterContainer
  static void cleanUp() throws IOException {
    RUNNER.shutdownNow();
    try (var files = Files.walk(DIR)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Objects.requireNonNull(DIR);
  }
}
