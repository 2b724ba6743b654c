package io.muster.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.config.Settings;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {
  @Test
  void twoPluginsWithOneNameAreAnErrorNamingBoth() {
    assertThatThrownBy(
            () ->
                new PluginRegistry<>(
                    Plugins.DISCOVERY, List.of(new Named("static"), new OtherNamed("static"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two discovery providers are named 'static'")
        .hasMessageContaining(Named.class.getName())
        .hasMessageContaining(OtherNamed.class.getName());
  }

  @Test
  void anUnknownNameListsTheKnownOnesFromTheRegistry() {
    PluginRegistry<DiscoveryProvider> r =
        new PluginRegistry<>(Plugins.DISCOVERY, List.of(new Named("b"), new Named("a")));
    assertThat(r.names()).containsExactly("a", "b");
    assertThatThrownBy(
            () -> r.selected(Settings.empty().with(CoreKeys.DISCOVERY_PROVIDER, "consul")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "discovery.provider='consul' (from override): unknown discovery provider. Use one of:"
                + " a, b");
  }

  @Test
  void coreRegistersStaticAndDnsDiscoveryAndTheFileStore() {
    assertThat(Plugins.discovery().names()).contains("dns", "static");
    assertThat(Plugins.stores().names()).contains("file");
  }

  private static class Named implements DiscoveryProvider {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String section() {
      return "Discovery: " + name;
    }

    @Override
    public List<Key> keys() {
      return List.of();
    }

    @Override
    public List<String> iamActions() {
      return List.of();
    }

    @Override
    public Discovery create(PluginContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private static final class OtherNamed extends Named {
    OtherNamed(String name) {
      super(name);
    }
  }
}
