package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.muster.config.Key;
import io.muster.config.Settings;
import io.muster.config.SettingsLoader;
import io.muster.plugin.Plugins;
import org.junit.jupiter.api.Test;

/** Checks of every key this build declares, on the full class path. */
class KeyDeclarationsTest {
  @Test
  void everyDefaultSatisfiesItsOwnKey() {
    var registry = Plugins.keys();
    Settings defaultsGivenExplicitly = Settings.empty();
    for (Key k : registry.keys()) {
      if (k.defaultValue() != null) {
        defaultsGivenExplicitly = defaultsGivenExplicitly.with(k, k.defaultValue());
      }
    }
    Settings all = defaultsGivenExplicitly;
    // validate throws, naming each default that its own key rejects.
    assertThatCode(() -> SettingsLoader.validate(registry, all)).doesNotThrowAnyException();
  }

  @Test
  void theSelectingKeysListThePluginsOfThisBuild() {
    var registry = Plugins.keys();
    assertThat(registry.byName("discovery.provider").fullDoc())
        .endsWith("Allowed: one of: asg, dns, ec2-tags, static.");
    assertThat(registry.byName("store.provider").fullDoc())
        .endsWith("Allowed: one of: file, secretsmanager, ssm.");
    assertThat(registry.byName("adapter.name").fullDoc())
        .endsWith("Allowed: one of: ejabberd, exec, haproxy, swarm.");
  }
}
