package io.muster.adapter.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.ConfigException;
import io.muster.config.KeyRegistry;
import io.muster.config.Settings;
import io.muster.plugin.Plugins;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EjabberdSettingsTest {

  @Test
  void defaultsMatchTheDebianPackage() {
    EjabberdSettings s = EjabberdSettings.from(Settings.empty());

    assertThat(s.ctl()).containsExactly("ejabberdctl");
    assertThat(s.nodeName()).hasToString("ejabberd@{hostname}");
    assertThat(s.cookieFile()).isEqualTo(Path.of("/var/lib/ejabberd/.erlang.cookie"));
    assertThat(s.cookieOwner()).isEqualTo("ejabberd");
    assertThat(s.cookieMode()).isEqualTo(PosixFilePermissions.fromString("r--------"));
    assertThat(s.modeText()).isEqualTo("0400");
    assertThat(s.restart()).containsExactly("systemctl", "restart", "ejabberd");
    assertThat(s.startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.joinTimeout()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void theCtlCanBeWrapped() {
    Settings in =
        Settings.empty()
            .with(EjabberdAdapterProvider.CTL, "nsenter,--net=/var/run/netns/n1,ejabberdctl")
            .with(EjabberdAdapterProvider.COOKIE_MODE, "600");

    EjabberdSettings s = EjabberdSettings.from(in);

    assertThat(s.ctl()).containsExactly("nsenter", "--net=/var/run/netns/n1", "ejabberdctl");
    assertThat(s.modeText()).isEqualTo("0600");
  }

  @Test
  void aCookieModeErlangWouldRefuseIsAConfigError() {
    Settings in = Settings.empty().with(EjabberdAdapterProvider.COOKIE_MODE, "0644");

    assertThatThrownBy(() -> EjabberdSettings.from(in))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "adapter.ejabberd.cookie-mode='0644' (from override): group or others may access"
                + " the cookie; Erlang refuses it. Use 0400");
    assertThatThrownBy(
            () ->
                EjabberdSettings.from(
                    Settings.empty().with(EjabberdAdapterProvider.COOKIE_MODE, "u+r")))
        .hasMessageContaining("adapter.ejabberd.cookie-mode='u+r'")
        .hasMessageContaining("not an octal file mode");
  }

  @Test
  void badTemplatesAndPathsNameTheKey() {
    assertThatThrownBy(
            () ->
                EjabberdSettings.from(
                    Settings.empty().with(EjabberdAdapterProvider.NODE_NAME, "ejabberd")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("adapter.ejabberd.node-name='ejabberd'")
        .hasMessageContaining("NAME@HOST");
    assertThatThrownBy(
            () ->
                EjabberdSettings.from(
                    Settings.empty().with(EjabberdAdapterProvider.NODE_NAME, "ejabberd@{host}")))
        .hasMessageContaining("unknown placeholder {host}");
    assertThatThrownBy(
            () ->
                EjabberdSettings.from(
                    Settings.empty().with(EjabberdAdapterProvider.COOKIE_FILE, "cookie")))
        .hasMessageContaining("adapter.ejabberd.cookie-file='cookie'")
        .hasMessageContaining("absolute");
    assertThatThrownBy(
            () ->
                EjabberdSettings.from(
                    Settings.empty().with(EjabberdAdapterProvider.JOIN_TIMEOUT, "soon")))
        .hasMessageContaining("adapter.ejabberd.join-timeout='soon'");
  }

  @Test
  void theProviderIsFoundByNameAndDeclaresItsKeysOnce() {
    assertThat(Plugins.adapters().all()).containsKey("ejabberd");
    KeyRegistry registry = Plugins.keys();
    for (String name :
        List.of(
            "adapter.ejabberd.ctl",
            "adapter.ejabberd.erl-call",
            "adapter.ejabberd.node-name",
            "adapter.ejabberd.cookie-file",
            "adapter.ejabberd.cookie-owner",
            "adapter.ejabberd.cookie-mode",
            "adapter.ejabberd.restart",
            "adapter.ejabberd.start-timeout",
            "adapter.ejabberd.join-timeout")) {
      assertThat(registry.byName(name)).as(name).isNotNull();
    }
    assertThat(new EjabberdAdapterProvider().keys()).hasSize(9).doesNotHaveDuplicates();
  }
}
