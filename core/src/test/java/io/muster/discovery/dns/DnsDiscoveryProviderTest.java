package io.muster.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.config.CoreKeys;
import io.muster.config.KeyRegistry;
import io.muster.config.Settings;
import io.muster.plugin.Plugins;
import io.muster.plugin.TestContexts;
import org.junit.jupiter.api.Test;

class DnsDiscoveryProviderTest {
  @Test
  void isFoundByShortNameThroughTheServiceLoader() {
    Settings s = Settings.empty().with(CoreKeys.DISCOVERY_PROVIDER, "dns");
    assertThat(Plugins.discovery().selected(s)).isInstanceOf(DnsDiscoveryProvider.class);
  }

  @Test
  void itsKeysAreRegisteredAndNeedNoIam() {
    KeyRegistry registry = Plugins.keys();
    DnsDiscoveryProvider p = new DnsDiscoveryProvider();
    assertThat(p.keys())
        .allSatisfy(k -> assertThat(registry.byName(k.name())).isEqualTo(k))
        .extracting(k -> k.name())
        .containsExactly(
            "discovery.dns.name",
            "discovery.dns.type",
            "discovery.dns.server",
            "discovery.dns.timeout");
    assertThat(registry.byEnv("MUSTER_DISCOVERY_DNS_SERVER"))
        .isEqualTo(DnsDiscoveryProvider.SERVER);
    assertThat(p.iamActions()).isEmpty();
    assertThat(p.name()).isEqualTo("dns");
  }

  @Test
  void createValidatesAndDescribesWithoutTouchingTheNetwork() {
    Settings s =
        Settings.empty()
            .with(DnsDiscoveryProvider.NAME, "_xmpp._tcp.example.test")
            .with(DnsDiscoveryProvider.TYPE, "srv")
            .with(DnsDiscoveryProvider.SERVER, "127.0.0.1:5353");
    var discovery = new DnsDiscoveryProvider().create(TestContexts.withoutIdentity(s));
    assertThat(discovery.describe())
        .isEqualTo("DNS SRV of _xmpp._tcp.example.test via 127.0.0.1:5353");
  }
}
