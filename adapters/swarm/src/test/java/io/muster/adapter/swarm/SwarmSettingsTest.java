package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.swarm.SwarmSettings.RolePolicy;
import io.muster.config.ConfigException;
import io.muster.config.Settings;
import io.muster.plugin.Plugins;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SwarmSettingsTest {

  @Test
  void defaults() {
    SwarmSettings s = SwarmSettings.from(Settings.empty());
    assertThat(s.socket()).isEqualTo(Path.of("/var/run/docker.sock"));
    assertThat(s.role()).isEqualTo(RolePolicy.AUTO);
    assertThat(s.managers()).isEqualTo(3);
    assertThat(s.labels()).isEmpty();
    assertThat(s.listenPort()).isEqualTo(2377);
  }

  @Test
  void readsEveryKey() {
    Settings in =
        Settings.empty()
            .with(SwarmKeys.SOCKET, "unix:///run/d/docker.sock")
            .with(SwarmKeys.ROLE, "Worker")
            .with(SwarmKeys.MANAGERS, "5")
            .with(SwarmKeys.LABELS, "web=true,zone=a")
            .with(SwarmKeys.LISTEN_PORT, "4377");
    SwarmSettings s = SwarmSettings.from(in);
    assertThat(s.socket()).isEqualTo(Path.of("/run/d/docker.sock"));
    assertThat(s.role()).isEqualTo(RolePolicy.WORKER);
    assertThat(s.managers()).isEqualTo(5);
    assertThat(s.labels()).isEqualTo(Map.of("web", "true", "zone", "a"));
    assertThat(s.listenPort()).isEqualTo(4377);
  }

  @Test
  void errorsNameTheKeyTheValueAndTheFix() {
    assertThatThrownBy(() -> SwarmSettings.from(Settings.empty().with(SwarmKeys.ROLE, "boss")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("adapter.swarm.role='boss'")
        .hasMessageContaining("Use manager, worker or auto");
    assertThatThrownBy(() -> SwarmSettings.from(Settings.empty().with(SwarmKeys.MANAGERS, "4")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("adapter.swarm.managers='4'")
        .hasMessageContaining("3 or 5");
    assertThatThrownBy(() -> SwarmSettings.from(Settings.empty().with(SwarmKeys.MANAGERS, "9")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(
            () -> SwarmSettings.from(Settings.empty().with(SwarmKeys.SOCKET, "tcp://1.2.3.4:2375")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("adapter.swarm.socket")
        .hasMessageContaining("/var/run/docker.sock");
    assertThatThrownBy(() -> SwarmSettings.from(Settings.empty().with(SwarmKeys.LABELS, "web")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KEY=VALUE");
    assertThatThrownBy(
            () -> SwarmSettings.from(Settings.empty().with(SwarmKeys.LABELS, "bad key=1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a valid label key");
    assertThatThrownBy(
            () -> SwarmSettings.from(Settings.empty().with(SwarmKeys.LISTEN_PORT, "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("adapter.swarm.listen-port");
  }

  @Test
  void providerIsRegisteredAndItsKeysAreKnown() {
    assertThat(Plugins.adapters().get("swarm")).containsInstanceOf(SwarmAdapterProvider.class);
    assertThat(Plugins.keys().byName("adapter.swarm.socket")).isEqualTo(SwarmKeys.SOCKET);
    assertThat(new SwarmAdapterProvider().keys())
        .extracting(k -> k.name())
        .containsExactly(
            "adapter.swarm.socket",
            "adapter.swarm.role",
            "adapter.swarm.managers",
            "adapter.swarm.labels",
            "adapter.swarm.listen-port");
  }
}
