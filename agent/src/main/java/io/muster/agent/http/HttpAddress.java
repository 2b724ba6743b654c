package io.muster.agent.http;

import io.muster.config.Constraint;
import io.muster.net.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * {@code agent.http-address}: an IP literal and a port, {@code 127.0.0.1:9797} or {@code
 * [::1]:9797}. Names are not resolved: the agent binds exactly what the operator wrote. Port 0
 * binds a free port, which the agent logs.
 */
public final class HttpAddress {
  private HttpAddress() {}

  /** The socket address, or throws IllegalArgumentException saying what is wrong. */
  public static InetSocketAddress parse(String text) {
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("not ADDRESS:PORT");
    }
    String host = t.substring(0, colon);
    if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
      throw new IllegalArgumentException("an IPv6 address must be in brackets");
    }
    InetAddress address = IpLiteral.parseOrNull(host);
    if (address == null) {
      throw new IllegalArgumentException("'" + host + "' is not an IP address");
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the port is not from 0 to 65535");
    }
    return new InetSocketAddress(address, port);
  }

  /** The key's constraint: the value parses. */
  public static Constraint constraint() {
    return new Constraint() {
      @Override
      public String problem(Object value) {
        try {
          parse(value.toString());
          return null;
        } catch (IllegalArgumentException e) {
          return e.getMessage();
        }
      }

      @Override
      public String fix() {
        return "Write it like 127.0.0.1:9797 or [::1]:9797 (an IP address, not a name), or set it"
            + " empty to serve no HTTP";
      }

      @Override
      public String describe() {
        return "ADDRESS:PORT (IP literal), or empty";
      }
    };
  }

  /** How a client on this host reaches a server bound to {@code bound}: a wildcard via loopback. */
  public static InetSocketAddress reachable(InetSocketAddress bound) {
    if (bound.getAddress().isAnyLocalAddress()) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
    }
    return bound;
  }

  /** host:port with IPv6 in brackets, for URLs and log lines. */
  public static String format(InetSocketAddress a) {
    String host = IpLiteral.format(a.getAddress());
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
