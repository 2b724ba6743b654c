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
    assertThat(s.duration(CoreKeys.DISCOVERY_INTERVAL, Duration.ZERO, Duration.ofHours(1)))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(s.source(CoreKeys.DISCOVERY_INTERVAL)).isEqualTo("file " + file);
    assertThat(s.duration(CoreKeys.ELECTION_STABLE_FOR, Duration.ZERO, Duration.ofHours(1)))
        .isEqualTo(Duration.ofSeconds(10));
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
    Settings s =
        new SettingsLoader(registry)
            .load(null, Map.of("MUSTER_ELECTION_STABLE_FOR", "ten seconds"), Map.of());
    assertThatThrownBy(
            () -> s.duration(CoreKeys.ELECTION_STABLE_FOR, Duration.ZERO, Duration.ofHours(1)))
        .hasMessage(
            "election.stable-for='ten seconds' (from env MUSTER_ELECTION_STABLE_FOR): not a duration."
                + " Write it like 500ms, 30s, 2m or 1h");

    Settings n = Settings.empty().with(CoreKeys.ELECTION_MIN_PEERS, "0");
    assertThatThrownBy(() -> n.integer(CoreKeys.ELECTION_MIN_PEERS, 1, 100))
        .hasMessageContaining("election.min-peers='0'")
        .hasMessageContaining("out of range")
        .hasMessageContaining("from 1 to 100");
  }

  @Test
  void secretValuesAreNeverShownInErrors() {
    Settings s = Settings.empty().with(TOKEN, "hunter2");
    assertThatThrownBy(() -> s.integer(TOKEN, 1, 2))
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
}
