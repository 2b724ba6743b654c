package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.adapter.MembershipFollower;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.config.KeyRegistry;
import io.muster.config.Settings;
import io.muster.model.Peer;
import io.muster.plugin.PluginContext;
import io.muster.plugin.Plugins;
import io.muster.plugin.SharedResources;
import io.muster.process.RecordingProcessRunner;
import io.muster.time.Deadline;
import io.muster.time.Sleeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void theSocketsStopAtTheOperationsSharedDeadline(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, "backend app\n    # BEGIN muster servers\n    # END muster servers\n");
    SharedResources shared = new SharedResources();
    Clock clock = Clock.systemUTC();
    // What `join --timeout` sets (NodeContext.limitUntil); here already passed, so no call is sent.
    shared.get(Deadline.class, () -> new Deadline(clock)).set(clock.instant(), "join.timeout");
    var follower =
        (MembershipFollower)
            new HaproxyProvider()
                .create(
                    new PluginContext(
                        Settings.empty()
                            .with(HaproxyProvider.BACKEND, "app")
                            .with(HaproxyProvider.MAIN_CONFIG, cfg.toString())
                            .with(HaproxyProvider.SERVER_PORT, "80")
                            .with(
                                HaproxyProvider.RUNTIME_SOCKET,
                                dir.resolve("none.sock").toString()),
                        () -> null,
                        new RecordingProcessRunner(),
                        clock,
                        Sleeper.SYSTEM,
                        shared));

    assertThatThrownBy(() -> follower.membersChanged(List.of(Peer.of("10.0.0.5"))))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("'show servers state app' not sent: the join.timeout deadline passed")
        .hasMessageContaining(dir.resolve("none.sock").toString());
  }

  @Test
  void theSocketTimeoutIsAValidatedKey() {
    assertThat(new HaproxyProvider().keys()).contains(HaproxyProvider.SOCKET_TIMEOUT);
    assertThat(HaproxyProvider.SOCKET_TIMEOUT.defaultValue()).isEqualTo("10s");
  }
}
