package io.muster.discovery.dns;

import io.muster.config.Constraints;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryProvider;
import io.muster.plugin.PluginContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code dns}: peers from the A/AAAA or SRV records of one DNS name, asked of a configured server
 * or of the system resolver. Fits a Kubernetes headless service, a Route 53 private zone kept up to
 * date by the fleet, or any DNS server an operator controls. Needs no IAM permission.
 */
public final class DnsDiscoveryProvider implements DiscoveryProvider {
  public static final Key NAME =
      Key.of(
              "discovery.dns.name",
              Key.Kind.STRING,
              null,
              "Fully qualified DNS name whose records list the peers, e.g."
                  + " web.default.svc.cluster.local or _xmpp._tcp.chat.internal.example (no search"
                  + " domains are applied).")
          .requiredWhen(CoreKeys.DISCOVERY_PROVIDER, "dns");
  public static final Key TYPE =
      Key.of(
          "discovery.dns.type",
          Key.Kind.STRING,
          "a",
          "Which records to read: a (A and AAAA records, one peer per address) or srv (SRV"
              + " records; each target's A/AAAA records give the peers, with the SRV port).");
  public static final Key SERVER =
      Key.of(
          "discovery.dns.server",
          Key.Kind.STRING,
          null,
          "DNS server to ask as IP:PORT or [IPv6]:PORT (port defaults to 53); default: the"
              + " nameservers in /etc/resolv.conf.");
  public static final Key TIMEOUT =
      Key.of(
              "discovery.dns.timeout",
              Key.Kind.DURATION,
              "2s",
              "How long one DNS server may take to answer one query, its one retry included.")
          .constrained(Constraints.between(Duration.ofMillis(100), Duration.ofSeconds(60)));

  private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

  @Override
  public String name() {
    return "dns";
  }

  @Override
  public String section() {
    return "Discovery: dns";
  }

  @Override
  public List<Key> keys() {
    return List.of(NAME, TYPE, SERVER, TIMEOUT);
  }

  @Override
  public List<String> iamActions() {
    return List.of();
  }

  @Override
  public Discovery create(PluginContext context) {
    DnsSettings settings = DnsSettings.from(context.settings());
    NameServers servers =
        settings.server() != null
            ? NameServers.fixed(settings.server())
            : NameServers.resolvConf(RESOLV_CONF);
    return new DnsDiscovery(settings, servers, new JndiDnsClient());
  }
}
