package io.muster.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.ConfigException;
import io.muster.config.Settings;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DnsSettingsTest {
  private static final Settings BASE =
      Settings.empty().with(DnsDiscoveryProvider.NAME, "web.default.svc.cluster.local");

  @Test
  void defaultsAreARecordsSystemResolverAndTwoSeconds() {
    DnsSettings s = DnsSettings.from(BASE);
    assertThat(s.name()).isEqualTo("web.default.svc.cluster.local");
    assertThat(s.type()).isEqualTo(DnsSettings.Type.A);
    assertThat(s.server()).isNull();
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.typeText()).isEqualTo("A/AAAA");
  }

  @Test
  void srvTypeIsCaseInsensitiveAndTrailingDotIsDropped() {
    DnsSettings s =
        DnsSettings.from(
            Settings.empty()
                .with(DnsDiscoveryProvider.NAME, "_xmpp._tcp.example.test.")
                .with(DnsDiscoveryProvider.TYPE, "SRV")
                .with(DnsDiscoveryProvider.TIMEOUT, "500ms"));
    assertThat(s.name()).isEqualTo("_xmpp._tcp.example.test");
    assertThat(s.type()).isEqualTo(DnsSettings.Type.SRV);
    assertThat(s.typeText()).isEqualTo("SRV");
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void missingNameNamesKeyAndEnvironmentVariable() {
    assertThatThrownBy(() -> DnsSettings.from(Settings.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("discovery.dns.name is required")
        .hasMessageContaining("MUSTER_DISCOVERY_DNS_NAME");
  }

  @ParameterizedTest
  @ValueSource(strings = {"web cluster", "a..b", "-web.example", "web-.example", "web/x.example"})
  void badNameNamesKeyAndValue(String name) {
    assertThatThrownBy(
            () -> DnsSettings.from(Settings.empty().with(DnsDiscoveryProvider.NAME, name)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "discovery.dns.name='" + name + "' (from override): not a DNS name");
  }

  @Test
  void labelLongerThan63IsRefused() {
    String name = "x".repeat(64) + ".example";
    assertThatThrownBy(
            () -> DnsSettings.from(Settings.empty().with(DnsDiscoveryProvider.NAME, name)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a DNS name");
    assertThat(DnsSettings.isDnsName("x".repeat(63) + ".example")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"aaaa", "mx", "a+srv", "SRVX"})
  void badTypeNamesKeyValueAndChoices(String type) {
    assertThatThrownBy(() -> DnsSettings.from(BASE.with(DnsDiscoveryProvider.TYPE, type)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "discovery.dns.type='"
                + type
                + "' (from override): unknown record type. Use a (A and AAAA records) or srv (SRV"
                + " records)");
  }

  @Test
  void serverWithPort() {
    assertThat(server("127.0.0.1:5353")).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
  }

  @Test
  void serverWithoutPortUsesPort53() {
    assertThat(server("10.0.0.2")).isEqualTo(new InetSocketAddress("10.0.0.2", 53));
  }

  @Test
  void ipv6ServerInBracketsWithAndWithoutPort() {
    assertThat(server("[fd00::2]:5353")).isEqualTo(new InetSocketAddress("fd00::2", 5353));
    assertThat(server("[fd00::2]")).isEqualTo(new InetSocketAddress("fd00::2", 53));
  }

  @Test
  void bareIpv6ServerIsTakenWholeOnPort53() {
    assertThat(server("fd00::2")).isEqualTo(new InetSocketAddress("fd00::2", 53));
  }

  @Test
  void blankServerMeansSystemResolver() {
    assertThat(DnsSettings.from(BASE.with(DnsDiscoveryProvider.SERVER, " ")).server()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dns.example.com:53", "dns.example.com", "10.0.0.256:53", "[fd00::2]x"})
  void serverThatIsNotAnAddressIsRefusedNamingTheKey(String text) {
    assertThatThrownBy(() -> DnsSettings.from(BASE.with(DnsDiscoveryProvider.SERVER, text)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("discovery.dns.server='" + text + "' (from override): not an IP")
        .hasMessageContaining("10.0.0.2:53");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "127.0.0.1:", "[::1]:"})
  void serverWithBadPortIsRefusedNamingTheKey(String text) {
    assertThatThrownBy(() -> DnsSettings.from(BASE.with(DnsDiscoveryProvider.SERVER, text)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "discovery.dns.server='" + text + "' (from override): not a port from 1 to 65535");
  }

  @ParameterizedTest
  @ValueSource(strings = {"50ms", "2m", "soon"})
  void timeoutOutsideRangeOrUnparsableNamesTheKey(String text) {
    assertThatThrownBy(() -> DnsSettings.from(BASE.with(DnsDiscoveryProvider.TIMEOUT, text)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("discovery.dns.timeout='" + text + "'");
  }

  private static InetSocketAddress server(String text) {
    return DnsSettings.from(BASE.with(DnsDiscoveryProvider.SERVER, text)).server();
  }
}
