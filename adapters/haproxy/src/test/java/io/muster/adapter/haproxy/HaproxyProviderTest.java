package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.MembershipFollower;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.config.KeyRegistry;
import io.muster.config.Settings;
import io.muster.plugin.PluginContext;
import io.muster.plugin.Plugins;
import io.muster.process.RecordingProcessRunner;
import io.muster.time.Sleeper;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class HaproxyProviderTest {
  @Test
  void foundByNameThroughTheServiceLoader() {
    Settings s = Settings.empty().with(CoreKeys.ADAPTER_NAME, "haproxy");
    assertThat(Plugins.adapters().selected(s)).isInstanceOf(HaproxyProvider.class);
  }

  @Test
  void everyKeyIsRegisteredInTheCatalog() {
    KeyRegistry registry = Plugins.keys();
    for (Key k : new HaproxyProvider().keys()) {
      assertThat(registry.byName(k.name())).as(k.name()).isEqualTo(k);
      assertThat(k.name()).startsWith("adapter.haproxy.");
    }
  }

  @Test
  void buildsAFollowerThatOnlyFollows() {
    var adapter =
        new HaproxyProvider()
            .create(
                new PluginContext(
                    Settings.empty().with(HaproxyProvider.BACKEND, "app"),
                    () -> null,
                    new RecordingProcessRunner(),
                    Clock.systemUTC(),
                    Sleeper.SYSTEM));

    assertThat(adapter).isInstanceOf(MembershipFollower.class);
    assertThat(adapter).isNotInstanceOf(io.muster.adapter.ClusterAdapter.class);
    assertThat(adapter.name()).isEqualTo("haproxy");
  }
}
