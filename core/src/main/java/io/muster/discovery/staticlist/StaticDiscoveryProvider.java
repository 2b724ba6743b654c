package io.muster.discovery.staticlist;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.config.Settings;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryProvider;
import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import io.muster.plugin.PluginContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code static}: a fixed list of addresses, or {@code host=address} pairs. For non-EC2 fleets,
 * tests and the bundled example. Needs no IAM permission.
 */
public final class StaticDiscoveryProvider implements DiscoveryProvider {
  public static final Key PEERS =
      Key.of(
              "discovery.static.peers",
              Key.Kind.LIST,
              null,
              "Peers as addresses or host=address pairs, e.g. n1=10.0.0.1,n2=10.0.0.2.")
          .withFlag("--peers")
          .requiredWhen(CoreKeys.DISCOVERY_PROVIDER, "static");

  @Override
  public String name() {
    return "static";
  }

  @Override
  public String section() {
    return "Discovery: static";
  }

  @Override
  public List<Key> keys() {
    return List.of(PEERS);
  }

  @Override
  public List<String> iamActions() {
    return List.of();
  }

  @Override
  public Discovery create(PluginContext context) {
    List<Peer> peers = parse(context.settings());
    return new Discovery() {
      @Override
      public List<Peer> discover() {
        return peers;
      }

      @Override
      public String describe() {
        return "static list of " + peers.size() + " peer(s)";
      }
    };
  }

  static List<Peer> parse(Settings settings) {
    List<String> items = settings.list(PEERS);
    if (items.isEmpty()) {
      throw ConfigException.missing(PEERS, "static discovery needs the list of peers");
    }
    List<Peer> peers = new ArrayList<>();
    for (String item : items) {
      int eq = item.indexOf('=');
      String host = eq >= 0 ? item.substring(0, eq).trim() : null;
      String addr = eq >= 0 ? item.substring(eq + 1).trim() : item;
      var address = IpLiteral.parseOrNull(addr);
      if (address == null || (host != null && host.isEmpty())) {
        throw ConfigException.invalid(
            PEERS,
            item,
            settings.source(PEERS),
            "not an address or host=address pair",
            "Write each peer as 10.0.0.1 or n1=10.0.0.1 (host names are not resolved)");
      }
      Peer p = Peer.of(address);
      if (host != null) {
        // A host name only, not an instance id: a static list cannot know the ids nodes give
        // themselves (node.instance-id), so its peers are matched to member records by address.
        p = p.withHostname(host);
      }
      peers.add(p);
    }
    return List.copyOf(peers);
  }
}
