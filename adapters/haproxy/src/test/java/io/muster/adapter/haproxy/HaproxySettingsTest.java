package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.ConfigException;
import io.muster.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxySettingsTest {
  private static final Settings MINIMAL = Settings.empty().with(HaproxyProvider.BACKEND, "app");

  @Test
  void defaultsFitDebiansPackage() {
    HaproxySettings s = HaproxySettings.from(MINIMAL);

    assertThat(s.backend()).isEqualTo("app");
    assertThat(s.serverPort()).isZero();
    assertThat(s.serverOptions()).isEmpty();
    assertThat(s.runtimeSocket()).isEqualTo(Path.of("/run/haproxy/admin.sock"));
    assertThat(s.masterSocket()).isNull();
    assertThat(s.mainConfig()).isEqualTo(Path.of("/etc/haproxy/haproxy.cfg"));
    assertThat(s.configFile()).isEqualTo(s.mainConfig());
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.checkCommand()).containsExactly("haproxy", "-c", "-f", "/etc/haproxy/haproxy.cfg");
    assertThat(s.healthChecks()).isFalse();
  }

  @Test
  void everyKeySet() {
    HaproxySettings s =
        HaproxySettings.from(
            MINIMAL
                .with(HaproxyProvider.SERVER_PORT, "8080")
                .with(HaproxyProvider.SERVER_OPTIONS, "  check\tinter 2s  agent-check ")
                .with(HaproxyProvider.RUNTIME_SOCKET, "/tmp/a.sock")
                .with(HaproxyProvider.MASTER_SOCKET, "/tmp/m.sock")
                .with(HaproxyProvider.MAIN_CONFIG, "/etc/haproxy/conf.d")
                .with(HaproxyProvider.CONFIG_FILE, "/etc/haproxy/conf.d/50-app.cfg")
                .with(HaproxyProvider.DRAIN_TIMEOUT, "2m")
                .with(
                    HaproxyProvider.CHECK_COMMAND,
                    "/usr/sbin/haproxy",
                    "-c",
                    "-f",
                    "/etc/haproxy/base.cfg",
                    "-f",
                    "{main-config}"));

    assertThat(s.serverPort()).isEqualTo(8080);
    assertThat(s.serverOptions()).isEqualTo("check inter 2s agent-check");
    assertThat(s.healthChecks()).isTrue();
    assertThat(s.agentChecks()).isTrue();
    assertThat(s.masterSocket()).isEqualTo(Path.of("/tmp/m.sock"));
    assertThat(s.configFile()).isEqualTo(Path.of("/etc/haproxy/conf.d/50-app.cfg"));
    assertThat(s.drainTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.checkCommand())
        .containsExactly(
            "/usr/sbin/haproxy", "-c", "-f", "/etc/haproxy/base.cfg", "-f", "/etc/haproxy/conf.d");
  }

  @Test
  void theDefaultCheckLoadsAManagedFileOutsideTheMainConfig() {
    HaproxySettings s =
        HaproxySettings.from(
            MINIMAL.with(HaproxyProvider.CONFIG_FILE, "/etc/haproxy/conf.d/50-app.cfg"));
    assertThat(s.checkCommand())
        .containsExactly(
            "haproxy",
            "-c",
            "-f",
            "/etc/haproxy/haproxy.cfg",
            "-f",
            "/etc/haproxy/conf.d/50-app.cfg");
  }

  @Test
  void theDefaultCheckOfAConfigDirectoryAlreadyHoldsTheFile() {
    HaproxySettings s =
        HaproxySettings.from(
            MINIMAL
                .with(HaproxyProvider.MAIN_CONFIG, "/etc/haproxy/conf.d")
                .with(HaproxyProvider.CONFIG_FILE, "/etc/haproxy/conf.d/50-app.cfg"));
    assertThat(s.checkCommand()).containsExactly("haproxy", "-c", "-f", "/etc/haproxy/conf.d");
  }

  @Test
  void checkMeansTheCheckKeywordOnly() {
    HaproxySettings s =
        HaproxySettings.from(MINIMAL.with(HaproxyProvider.SERVER_OPTIONS, "check-ssl weight 5"));
    assertThat(s.healthChecks()).isFalse();
  }

  @Test
  void theBackendIsRequired() {
    assertThatThrownBy(() -> HaproxySettings.from(Settings.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("adapter.haproxy.backend is required")
        .hasMessageContaining("MUSTER_ADAPTER_HAPROXY_BACKEND");
  }

  @Test
  void optionsThatWouldInjectCommandsAreRefused() {
    for (String bad : List.of("check; del server app/x", "check # x", "check\nx", "check 'x'")) {
      assertThatThrownBy(
              () -> HaproxySettings.from(MINIMAL.with(HaproxyProvider.SERVER_OPTIONS, bad)))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("adapter.haproxy.server-options=");
    }
  }

  @Test
  void badValuesNameKeyValueAndFix() {
    assertThatThrownBy(
            () -> HaproxySettings.from(Settings.empty().with(HaproxyProvider.BACKEND, "my app")))
        .hasMessageContaining("adapter.haproxy.backend='my app'")
        .hasMessageContaining("not an HAProxy backend name");
    assertThatThrownBy(
            () -> HaproxySettings.from(MINIMAL.with(HaproxyProvider.SERVER_PORT, "99999")))
        .hasMessageContaining("adapter.haproxy.server-port='99999' (from override): out of range");
    assertThatThrownBy(
            () -> HaproxySettings.from(MINIMAL.with(HaproxyProvider.RUNTIME_SOCKET, "admin.sock")))
        .hasMessageContaining("adapter.haproxy.runtime-socket='admin.sock'")
        .hasMessageContaining("not absolute");
    assertThatThrownBy(
            () -> HaproxySettings.from(MINIMAL.with(HaproxyProvider.DRAIN_TIMEOUT, "soon")))
        .hasMessageContaining("adapter.haproxy.drain-timeout='soon'")
        .hasMessageContaining("not a duration");
  }
}
