package io.muster.aws.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.KeyRegistry;
import io.muster.config.Settings;
import io.muster.credentials.CredentialStoreProvider;
import io.muster.plugin.PluginRegistry;
import io.muster.plugin.Plugins;
import org.junit.jupiter.api.Test;

class CredentialStoreProvidersTest {
  private final PluginRegistry<CredentialStoreProvider> providers = Plugins.stores();

  @Test
  void allThreeStoresAreFoundByShortName() {
    assertThat(providers.all()).containsOnlyKeys("file", "secretsmanager", "ssm");
  }

  @Test
  void theDefaultIsSsm() {
    assertThat(providers.selected(Settings.empty()).name()).isEqualTo("ssm");
    assertThat(providers.selected(Settings.empty().with(CoreKeys.STORE_PROVIDER, "file")).name())
        .isEqualTo("file");
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    assertThatThrownBy(
            () -> providers.selected(Settings.empty().with(CoreKeys.STORE_PROVIDER, "vault")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "store.provider='vault' (from override): unknown credential store. Use one of: file,"
                + " secretsmanager, ssm");
  }

  @Test
  void everyStoreKeyIsInTheRegistryOnce() {
    KeyRegistry registry = Plugins.keys();
    for (CredentialStoreProvider p : providers.all().values()) {
      assertThat(p.keys()).isNotEmpty();
      p.keys().forEach(k -> assertThat(registry.byName(k.name())).isEqualTo(k));
      assertThat(p.keys()).allMatch(k -> k.name().startsWith("store." + p.name() + "."));
    }
  }
}
