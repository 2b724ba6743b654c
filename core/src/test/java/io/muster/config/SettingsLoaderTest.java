package io.muster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
  static final Key TAGS =
      Key.of("discovery.test.tags", Key.Kind.MAP, null, "tags").withFlag("--tag");
  static final Key TOKEN = Key.of("store.test.token", Key.Kind.STRING, null, "a secret").asSecret();

  final KeyRegistry registry =
      new KeyRegistry(
          List.of(
              new CoreKeys(),
              new KeyCatalog() {
                @Override
                public String section() {
                  return "test";
                }

                @Override
                public List<Key> keys() {
                  return List.of(TAGS, TOKEN);
                }
              }));

  @TempDir Path dir;

  Path yaml(String text) throws IOException {
    Path f = dir.resolve("muster.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void flagBeatsEnvBeatsFileBeatsDefault() throws IOException {
    Path file =
        yaml("cluster:\n  name: from-file\ndiscovery:\n  provider: static\n  interval: 7s\n");
    Settings s =
        new SettingsLoader(registry)
            .load(
                file,
                Map.of("MUSTER_CLUSTER_NAME", "from-env", "MUSTER_DISCOVERY_PROVIDER", "dns"),
                Map.of("cluster.name", List.of("from-flag")));

    assertThat(s.string(CoreKeys.CLUSTER_NAME, "")).isEqualTo("from-flag");
    assertThat(s.source(CoreKeys.CLUSTER_NAME)).isEqualTo("flag --cluster");
    assertThat(s.string(CoreKeys.DISCOVERY_PROVIDER, "")).isEqualTo("dns");
    assertThat(s.source(CoreKeys.DISCOVERY_PROVIDER)).isEqualTo("env MUSTER_DISCOVERY_PROVIDER");
    assertThat(s.duration(CoreKeys.DISCOVERY_INTERVAL)).isEqualTo(Duration.ofSeconds(7));
    assertThat(s.source(CoreKeys.DISCOVERY_INTERVAL)).isEqualTo("file " + file);
    assertThat(s.duration(CoreKeys.ELECTION_STABLE_FOR)).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.source(CoreKeys.ELECTION_STABLE_FOR)).isEqualTo("default");
  }

  @Test
  void flatDottedKeysInTheFileWorkToo() throws IOException {
    Settings s =
        new SettingsLoader(registry).load(yaml("cluster.name: flat\n"), Map.of(), Map.of());
    assertThat(s.string(CoreKeys.CLUSTER_NAME, "")).isEqualTo("flat");
  }

  @Test
  void mapsComeFromYamlMappingsEnvListsAndRepeatedFlags() throws IOException {
    Settings file =
        new SettingsLoader(registry)
            .load(
                yaml("discovery:\n  test:\n    tags:\n      Role: web\n      Env: prod\n"),
                Map.of(),
                Map.of());
    assertThat(file.map(TAGS)).containsExactly(Map.entry("Role", "web"), Map.entry("Env", "prod"));

    Settings env =
        new SettingsLoader(registry)
            .load(null, Map.of("MUSTER_DISCOVERY_TEST_TAGS", "Role=web,Env=prod"), Map.of());
    assertThat(env.map(TAGS)).containsEntry("Env", "prod").hasSize(2);

    Settings flags =
        new SettingsLoader(registry)
            .load(null, Map.of(), Map.of("discovery.test.tags", List.of("Role=web", "Env=prod")));
    assertThat(flags.map(TAGS)).hasSize(2);
  }

  @Test
  void unknownFileKeyNamesTheKeyAndSuggestsTheNearest() throws IOException {
    Path file = yaml("cluster:\n  nmae: x\n");
    assertThatThrownBy(() -> new SettingsLoader(registry).load(file, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'cluster.nmae'")
        .hasMessageContaining("did you mean 'cluster.name'");
  }

  @Test
  void theLaunchersOwnVariablesAreIgnoredQuietly() {
    SettingsLoader loader = new SettingsLoader(registry);
    loader.load(
        null,
        Map.of(
            "MUSTER_SKIP_BUILD", "1",
            "MUSTER_JAVA_OPTS", "-Xmx1g",
            "MUSTER_JAR", "/x.jar",
            "MUSTER_CDS_ARCHIVE", "/x.jsa",
            "MUSTER_NO_SUCH_SETTING", "x"),
        Map.of());
    assertThat(loader.warnings())
        .as("only the variable that is neither a setting nor a launcher's")
        .singleElement()
        .asString()
        .contains("MUSTER_NO_SUCH_SETTING");
  }

  @Test
  void unknownEnvVarIsAWarningNotAnError() {
    SettingsLoader loader = new SettingsLoader(registry);
    loader.load(null, Map.of("MUSTER_CLUSTER_NAM", "x", "PATH", "/bin"), Map.of());
    assertThat(loader.warnings())
        .singleElement()
        .asString()
        .contains("MUSTER_CLUSTER_NAM")
        .contains("MUSTER_CLUSTER_NAME");
  }

  @Test
  void badValuesNameKeyValueSourceAndFix() {
    assertThatThrownBy(
            () ->
                new SettingsLoader(registry)
                    .load(null, Map.of("MUSTER_ELECTION_STABLE_FOR", "ten seconds"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "election.stable-for='ten seconds' (from env MUSTER_ELECTION_STABLE_FOR): not a duration."
                + " Write it like 500ms, 30s, 2m or 1h");

    Settings n = Settings.empty().with(CoreKeys.ELECTION_MIN_PEERS, "0");
    assertThatThrownBy(() -> n.integer(CoreKeys.ELECTION_MIN_PEERS))
        .hasMessageContaining("election.min-peers='0'")
        .hasMessageContaining("out of range")
        .hasMessageContaining("from 1 to 100000");
  }

  @Test
  void secretValuesAreNeverShownInErrors() {
    Settings s = Settings.empty().with(TOKEN, "hunter2");
    assertThatThrownBy(() -> s.integer(TOKEN))
        .hasMessageContaining("store.test.token=<redacted>")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void missingRequiredKeyTellsAllThreeWaysToSetIt() {
    assertThatThrownBy(() -> Settings.empty().string(CoreKeys.CLUSTER_NAME, "name the cluster"))
        .hasMessage(
            "cluster.name is required: name the cluster (set cluster.name in the config file, or"
                + " MUSTER_CLUSTER_NAME, or --cluster)");
  }

  @Test
  void invalidYamlAndMissingFileAreClear() throws IOException {
    Path bad = yaml("cluster: [unclosed\n");
    assertThatThrownBy(() -> new SettingsLoader(registry).load(bad, Map.of(), Map.of()))
        .hasMessageContaining("is not valid YAML");
    assertThatThrownBy(
            () -> new SettingsLoader(registry).load(dir.resolve("nope.yaml"), Map.of(), Map.of()))
        .hasMessageContaining("does not exist");
  }

  @Test
  void envNamesAreDerivedFromKeyNames() {
    assertThat(CoreKeys.NODE_INSTANCE_ID.env()).isEqualTo("MUSTER_NODE_INSTANCE_ID");
    assertThat(Key.of("discovery.ec2-tags.vpc-id", Key.Kind.STRING, null, "x").env())
        .isEqualTo("MUSTER_DISCOVERY_EC2_TAGS_VPC_ID");
  }

  @Test
  void everyCoreEnvNameIsUnique() {
    assertThat(registry.keys().stream().map(Key::env).distinct().count())
        .isEqualTo(registry.keys().size());
  }

  @Test
  void everyBadValueIsReportedWhenSettingsLoadWhetherOrNotACommandReadsIt() throws IOException {
    Path file =
        yaml("election:\n  stable-for: -5s\n  min-peers: -3\ndiscovery:\n  fleet-rate: 0\n");
    assertThatThrownBy(() -> new SettingsLoader(registry).load(file, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("3 problems:")
        .hasMessageContaining("election.stable-for='-5s' (from file " + file + "): not a duration")
        .hasMessageContaining("election.min-peers='-3' (from file " + file + "): out of range")
        .hasMessageContaining("Use a whole number from 1 to 100000")
        .hasMessageContaining("discovery.fleet-rate='0'");
  }

  @Test
  void aKeyGivenTwiceInTheFileIsAnErrorNotTheLastOneWins() throws IOException {
    Path twice = yaml("election:\n  stable-for: 5s\n  stable-for: 30s\n");
    assertThatThrownBy(() -> new SettingsLoader(registry).load(twice, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config file "
                + twice
                + ": key 'election.stable-for' is given twice (line 3); keep one (YAML would"
                + " silently use the last)");

    Path nestedAndDotted = yaml("election:\n  stable-for: 5s\nelection.stable-for: 30s\n");
    assertThatThrownBy(() -> new SettingsLoader(registry).load(nestedAndDotted, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key 'election.stable-for' is given twice");
  }

  @Test
  void aKeyIsRequiredWhenTheSettingItDependsOnHasItsValue() throws IOException {
    Key dir =
        Key.of("store.test.dir", Key.Kind.STRING, null, "dir")
            .requiredWhen(CoreKeys.STORE_PROVIDER, "test");
    KeyRegistry r = new KeyRegistry(List.of(new CoreKeys(), catalog(dir)));

    assertThatThrownBy(
            () ->
                new SettingsLoader(r).load(yaml("store:\n  provider: test\n"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "store.test.dir is required: it is required when store.provider is test");
    Path otherStore = yaml("store:\n  provider: file\n");
    assertThat(new SettingsLoader(r).load(otherStore, Map.of(), Map.of()).isSet(dir)).isFalse();
  }

  @Test
  void allowedValuesAreCheckedAtLoadAndListedInTheMessage() {
    Key level =
        Key.of("log.test-level", Key.Kind.STRING, "info", "level")
            .constrained(Constraints.oneOf("error", "warn", "info", "debug"));
    KeyRegistry r = new KeyRegistry(List.of(catalog(level)));
    assertThatThrownBy(
            () ->
                new SettingsLoader(r)
                    .load(null, Map.of("MUSTER_LOG_TEST_LEVEL", "garbage"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "log.test-level='garbage' (from env MUSTER_LOG_TEST_LEVEL): unknown value. Use one"
                + " of: error, warn, info, debug");
    assertThat(level.fullDoc()).isEqualTo("level Allowed: one of: error, warn, info, debug.");
  }

  private static KeyCatalog catalog(Key... keys) {
    return new KeyCatalog() {
      @Override
      public String section() {
        return "test";
      }

      @Override
      public List<Key> keys() {
        return List.of(keys);
      }
    };
  }
}
