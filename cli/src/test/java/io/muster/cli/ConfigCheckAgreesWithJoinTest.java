package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.Adapter;
import io.muster.adapter.ClusterAdapter;
import io.muster.agent.NodeContext;
import io.muster.agent.Wiring;
import io.muster.config.ConfigException;
import io.muster.config.Key;
import io.muster.credentials.CredentialStore;
import io.muster.discovery.Discovery;
import io.muster.plugin.Plugins;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * `muster config check` exits 2 exactly when building what `muster join` builds from the same
 * configuration fails with a configuration error: over random mutations of valid configurations, as
 * a new user would make them (bad values, missing keys, wrong providers, keys given twice).
 *
 * <p>"What join builds" is the join path up to, not including, running it: the settings, the
 * discovery, the store, the adapter, and for an adapter that joins, the join flow with this node's
 * identity. That `join` refuses an adapter that only follows (haproxy) is a property of the
 * command, not of the configuration, and config check says so in a note (tested in MainTest).
 *
 * <p>Nothing here reaches the network: AWS endpoints and instance metadata point at a closed
 * loopback port, and nothing built is run.
 */
class ConfigCheckAgreesWithJoinTest {
  private static final Path DIR = tempDir();
  private static final String CLOSED = "http://127.0.0.1:9";

  /** Valid configurations, one per discovery provider, store and adapter. */
  private static final List<Map<String, String>> BASES =
      List.of(
          base(
              Map.of(
                  "discovery.provider", "static",
                  "discovery.static.peers", "[n1=10.0.0.10, n2=10.0.0.12]",
                  "store.provider", "file",
                  "store.file.dir", DIR.resolve("store").toString(),
                  "adapter.name", "exec",
                  "adapter.exec.form", "[true]",
                  "adapter.exec.join", "[true]")),
          base(
              Map.of(
                  "discovery.provider", "dns",
                  "discovery.dns.name", "_xmpp._tcp.example.test",
                  "discovery.dns.server", "127.0.0.1:9",
                  "store.provider", "file",
                  "store.file.dir", DIR.resolve("store").toString(),
                  "adapter.name", "ejabberd")),
          base(
              Map.of(
                  "discovery.provider", "asg",
                  "discovery.asg.name", "web",
                  "store.provider", "ssm",
                  "adapter.name", "swarm",
                  "adapter.swarm.role", "auto")),
          base(
              Map.of(
                  "discovery.provider", "ec2-tags",
                  "discovery.ec2-tags.tags", "{role: web}",
                  "store.provider", "secretsmanager",
                  "adapter.name", "haproxy",
                  "adapter.haproxy.backend", "web",
                  "adapter.haproxy.server-port", "80")));

  /** Values a new user might write, right and wrong, for any key. */
  private static final List<String> VALUES =
      List.of(
          "-5s",
          "0",
          "-3",
          "1",
          "3",
          "7",
          "70000",
          "65535",
          "10s",
          "100ms",
          "2m",
          "1h",
          "25h",
          "0s",
          "true",
          "false",
          "maybe",
          "garbage",
          "''",
          "text",
          "json",
          "debug",
          "INFO",
          "static",
          "dns",
          "asg",
          "ec2-tags",
          "file",
          "ssm",
          "secretsmanager",
          "exec",
          "ejabberd",
          "swarm",
          "haproxy",
          "consul",
          "10.0.0.1",
          "'::1'",
          "not-an-ip",
          "/tmp/muster-x",
          "rel/dir",
          CLOSED,
          "ftp://x",
          "x=y",
          "[a, b]",
          "Worker",
          "manager",
          "'0400'",
          "'0999'",
          "_xmpp._tcp.example.test",
          "127.0.0.1:9",
          "eu-west-1",
          "EU WEST",
          "{k: v}");

  private static final List<String> KEYS =
      Plugins.keys().keys().stream().map(Key::name).sorted().toList();

  private static Map<String, String> base(Map<String, String> specific) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("cluster.name", "demo");
    m.put("node.address", "10.0.0.12");
    m.put("node.instance-id", "n2");
    m.put("node.region", "eu-west-1");
    m.put("node.imds-endpoint", CLOSED);
    m.put("aws.endpoint-url", CLOSED);
    m.put("state.dir", DIR.resolve("state").toString());
    m.putAll(specific);
    return m;
  }

  /** One edit of a configuration, as YAML lines are edited. */
  sealed interface Mutation {
    void apply(Map<String, String> config, List<String> extraLines);
  }

  record SetValue(String key, String value) implements Mutation {
    @Override
    public void apply(Map<String, String> config, List<String> extraLines) {
      config.put(key, value);
    }
  }

  record Remove(String key) implements Mutation {
    @Override
    public void apply(Map<String, String> config, List<String> extraLines) {
      config.remove(key);
    }
  }

  record GiveTwice(String key, String value) implements Mutation {
    @Override
    public void apply(Map<String, String> config, List<String> extraLines) {
      extraLines.add(key + ": " + value);
    }
  }

  record Misspell(String key) implements Mutation {
    @Override
    public void apply(Map<String, String> config, List<String> extraLines) {
      String v = config.remove(key);
      config.put(key.substring(0, key.length() - 1), v == null ? "1" : v);
    }
  }

  record Case(int base, List<Mutation> mutations) {}

  @Provide
  Arbitrary<Case> mutatedConfigs() {
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    Arbitrary<String> values = Arbitraries.of(VALUES);
    Arbitrary<Mutation> mutation =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(12, Combinators.combine(keys, values).as(SetValue::new)),
            net.jqwik.api.Tuple.of(4, keys.map(Remove::new)),
            net.jqwik.api.Tuple.of(1, Combinators.combine(keys, values).as(GiveTwice::new)),
            net.jqwik.api.Tuple.of(1, keys.map(Misspell::new)));
    return Combinators.combine(
            Arbitraries.integers().between(0, BASES.size() - 1),
            mutation.list().ofMinSize(1).ofMaxSize(3))
        .as(Case::new);
  }

  @Property(tries = 300, seed = "20261205")
  void configCheckRejectsExactlyWhatTheJoinPathRejects(@ForAll("mutatedConfigs") Case c)
      throws IOException {
    Map<String, String> config = new LinkedHashMap<>(BASES.get(c.base()));
    List<String> extraLines = new ArrayList<>();
    c.mutations().forEach(m -> m.apply(config, extraLines));
    Path file = write(config, extraLines);

    int check = configCheck(file);
    String joinPath = buildJoinPath(file);

    Statistics.collect(check == 2 ? "rejected" : "accepted");
    assertThat(check).as("config check exits 0 or 2, never 1").isIn(0, 2);
    assertThat(check == 2)
        .as(
            "config check exited %d, while building the join path %s, for:%n%s",
            check, joinPath, Files.readString(file))
        .isEqualTo(joinPath.startsWith("failed with a configuration error"));
  }

  @Property(tries = 20, seed = "7")
  void theBaseConfigurationsAreValid(@ForAll("baseIndex") int base) throws IOException {
    Path file = write(new LinkedHashMap<>(BASES.get(base)), List.of());
    assertThat(configCheck(file)).isZero();
    assertThat(buildJoinPath(file)).isEqualTo("succeeded");
  }

  @Provide
  Arbitrary<Integer> baseIndex() {
    return Arbitraries.integers().between(0, BASES.size() - 1);
  }

  private static int configCheck(Path file) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    return Main.run(
        new String[] {"config", "check", "-c", file.toString()},
        Map.of(),
        new PrintWriter(out, true),
        new PrintWriter(err, true));
  }

  /** What JoinCommand builds before it runs anything. */
  private static String buildJoinPath(Path file) {
    try (NodeContext ctx = NodeContext.load(Plugins.keys(), file, Map.of(), Map.of())) {
      Wiring w = new Wiring(ctx);
      w.checkCrossKeyRules();
      Discovery discovery = w.discovery();
      CredentialStore store = w.store();
      Adapter adapter = w.adapter();
      if (adapter instanceof ClusterAdapter joining) {
        w.flow(discovery, store, joining, w.state());
      }
      return "succeeded";
    } catch (ConfigException e) {
      return "failed with a configuration error: " + e.getMessage();
    } catch (RuntimeException e) {
      return "failed otherwise: " + e;
    }
  }

  private static Path write(Map<String, String> config, List<String> extraLines)
      throws IOException {
    StringBuilder yaml = new StringBuilder();
    config.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
    extraLines.forEach(l -> yaml.append(l).append('\n'));
    Path f = Files.createTempFile(DIR, "muster", ".yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("config-check-agrees");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterContainer
  static void removeTempDir() throws IOException {
    try (var files = Files.walk(DIR)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
