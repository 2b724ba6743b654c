package io.muster.discovery.dns;

import io.muster.config.Durations;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over DNS: the A and AAAA records of the name, or its SRV records and then each target's
 * A and AAAA records, all asked of the same servers. A missing name or record set is an empty view
 * (the election then says this node is not in its own view, naming {@link #describe()}); a server
 * that does not answer is a {@link DiscoveryException}.
 */
final class DnsDiscovery implements Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(DnsDiscovery.class);

  private final DnsSettings settings;
  private final NameServers servers;
  private final DnsClient client;

  DnsDiscovery(DnsSettings settings, NameServers servers, DnsClient client) {
    this.settings = settings;
    this.servers = servers;
    this.client = client;
  }

  @Override
  public List<Peer> discover() throws DiscoveryException {
    List<InetSocketAddress> now = servers.current();
    Set<Peer> peers = new LinkedHashSet<>(); // exact duplicates (repeated SRV rows) once
    if (settings.type() == DnsSettings.Type.A) {
      for (InetAddress a : addresses(now, settings.name())) {
        // The queried name is the service's, not the peer's: leave the host name unknown.
        peers.add(Peer.of(a));
      }
    } else {
      for (String data : query(now, settings.name(), "SRV")) {
        SrvRecord srv = parseSrv(data);
        if (srv.noService()) {
          continue;
        }
        List<InetAddress> addrs = addresses(now, srv.target());
        if (addrs.isEmpty()) {
          LOG.warn(
              "SRV target {} of {} has no A/AAAA record at {}; left out of the view",
              srv.target(),
              settings.name(),
              servers.describe());
        }
        for (InetAddress a : addrs) {
          peers.add(new Peer(a, srv.target(), null, null, null, Map.of(), srv.port()));
        }
      }
    }
    return List.copyOf(peers);
  }

  @Override
  public String describe() {
    return "DNS " + settings.typeText() + " of " + settings.name() + " via " + servers.describe();
  }

  private List<InetAddress> addresses(List<InetSocketAddress> now, String name)
      throws DiscoveryException {
    List<InetAddress> out = new ArrayList<>();
    DnsQueryException refused = null;
    String refusedType = null;
    int answered = 0;
    for (String type : List.of("A", "AAAA")) {
      List<String> records;
      try {
        records = client.query(now, name, type, settings.timeout());
        if (!records.isEmpty()) {
          answered++;
        }
      } catch (DnsQueryException e) {
        if (e.reason() != DnsQueryException.Reason.REFUSED) {
          throw new DiscoveryException(failure(name, type, e), e);
        }
        if (refused != null) {
          throw new DiscoveryException(failure(name, refusedType, refused), refused);
        }
        // A server that serves the name's A records but refuses AAAA (dnsmasq answering from a
        // hosts file without --local) has still given the answer: use it, and say which query
        // it refused.
        refused = e;
        refusedType = type;
        continue;
      }
      for (String data : records) {
        InetAddress a = IpLiteral.parseOrNull(data);
        if (a == null) {
          throw new DiscoveryException(
              "DNS " + type + " record of " + name + " holds '" + data + "', not an address");
        }
        out.add(a);
      }
    }
    if (refused != null && answered == 0) {
      // Nothing to use instead: the refusal is the answer.
      throw new DiscoveryException(failure(name, refusedType, refused), refused);
    }
    if (refused != null) {
      LOG.warn(
          "DNS {} query for {} to {} was refused ({}); using the other answer. Configure the"
              + " server to answer {} queries for this name (dnsmasq: --local=/domain/)",
          refusedType,
          name,
          servers.describe(),
          refused.getMessage(),
          refusedType);
    }
    return out;
  }

  private SrvRecord parseSrv(String data) throws DiscoveryException {
    try {
      return SrvRecord.parse(data);
    } catch (IllegalArgumentException e) {
      throw new DiscoveryException(
          "DNS SRV record of " + settings.name() + " is malformed: " + e.getMessage(), e);
    }
  }

  private List<String> query(List<InetSocketAddress> now, String name, String type)
      throws DiscoveryException {
    try {
      return client.query(now, name, type, settings.timeout());
    } catch (DnsQueryException e) {
      throw new DiscoveryException(failure(name, type, e), e);
    }
  }

  /** "DNS SRV query for X to 10.0.0.2:53 failed: no answer within 2s. FIX". */
  private String failure(String name, String type, DnsQueryException e) {
    String head =
        "DNS "
            + type
            + " query for "
            + name
            + " to "
            + servers.describe()
            + " failed: "
            + e.getMessage();
    String fix =
        switch (e.reason()) {
          case TIMEOUT ->
              " within "
                  + Durations.format(settings.timeout())
                  + " (discovery.dns.timeout, per server). Check that the server runs and that"
                  + " UDP and TCP port 53 to it are allowed (security group, network ACL,"
                  + " firewall), or point discovery.dns.server at one that answers.";
          case UNREACHABLE ->
              ". No DNS server listens at that address and port: fix discovery.dns.server, or"
                  + " start the server.";
          case REFUSED ->
              ". The server does not serve this name and will not recurse for this host: point"
                  + " discovery.dns.server at a resolver that does (in a VPC: base address + 2).";
          case SERVER_FAILURE ->
              ". The server could not get an answer from the zone's authority: check the zone"
                  + " (e.g. the private hosted zone is associated with this VPC).";
          case OTHER -> ". Check discovery.dns.server and the server's logs.";
        };
    return head + fix;
  }
}
