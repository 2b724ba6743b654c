package io.muster.adapter.haproxy;

import io.muster.adapter.AdapterException;
import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A server the backend should have: one per member. */
public record DesiredServer(String name, InetAddress address, int port) {
  public DesiredServer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** The address alone as the Runtime API's {@code set server ... addr} takes it. */
  public String addressText() {
    return IpLiteral.format(address);
  }

  /**
   * {@code 10.0.0.5:8080} or {@code [fd00::1]:8080}, as server lines and {@code add server} take
   * it.
   */
  public String endpoint() {
    String a = addressText();
    return (address instanceof Inet6Address ? "[" + a + "]" : a) + ":" + port;
  }

  /**
   * The servers for a membership, sorted by name.
   *
   * @param defaultPort the port for members whose discovery gave none, or 0 when there is none
   * @throws AdapterException when a member has no port or two members map to one server name
   */
  public static List<DesiredServer> of(List<Peer> members, int defaultPort)
      throws AdapterException {
    Map<String, DesiredServer> byName = new LinkedHashMap<>();
    Map<String, Peer> from = new LinkedHashMap<>();
    for (Peer p : members) {
      int port = p.port() > 0 ? p.port() : defaultPort;
      if (port <= 0) {
        throw new AdapterException(
            "member "
                + p
                + " has no port: set adapter.haproxy.server-port, or use discovery that gives"
                + " ports (DNS SRV records)",
            false);
      }
      DesiredServer s = new DesiredServer(ServerName.of(p), p.address(), port);
      DesiredServer prev = byName.putIfAbsent(s.name(), s);
      if (prev != null && !prev.equals(s)) {
        throw new AdapterException(
            "members "
                + from.get(s.name())
                + " and "
                + p
                + " both map to HAProxy server name '"
                + s.name()
                + "' with different endpoints ("
                + prev.endpoint()
                + ", "
                + s.endpoint()
                + "): discovery reports one identity twice; fix the instance ids it reports",
            false);
      }
      from.putIfAbsent(s.name(), p);
    }
    List<DesiredServer> out = new ArrayList<>(byName.values());
    out.sort(Comparator.comparing(DesiredServer::name));
    return List.copyOf(out);
  }
}
