package io.muster.discovery.dns;

import io.muster.config.ConfigException;
import io.muster.config.Settings;
import io.muster.net.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Validated settings of the dns provider.
 *
 * @param name the DNS name to query, without a trailing dot
 * @param type which records to read
 * @param server the server to ask, or null for the nameservers of /etc/resolv.conf
 * @param timeout per server and query, retry included
 */
record DnsSettings(String name, Type type, InetSocketAddress server, Duration timeout) {

  /** Which records list the peers. */
  enum Type {
    /** A and AAAA records: one peer per address. */
    A,
    /** SRV records: one peer per address of each target, with the record's port. */
    SRV
  }

  static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

  // Letters, digits, '-' and '_' (SRV owner names start with _service._proto), 1..63 per label.
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

  DnsSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timeout, "timeout");
    if (!isDnsName(name) || name.endsWith(".")) {
      throw new IllegalArgumentException("not a DNS name without trailing dot: " + name);
    }
    if (server != null && server.isUnresolved()) {
      throw new IllegalArgumentException("server must be an address: " + server);
    }
  }

  /** Reads and validates the provider's keys; errors name the key, the value and the fix. */
  static DnsSettings from(Settings settings) {
    String rawName =
        settings.string(
            DnsDiscoveryProvider.NAME,
            "dns discovery needs the DNS name whose records list the peers");
    String name = rawName.endsWith(".") ? rawName.substring(0, rawName.length() - 1) : rawName;
    if (!isDnsName(name)) {
      throw ConfigException.invalid(
          DnsDiscoveryProvider.NAME,
          rawName,
          settings.source(DnsDiscoveryProvider.NAME),
          "not a DNS name",
          "Write a fully qualified name of dot-separated labels (letters, digits, '-', '_'),"
              + " e.g. web.default.svc.cluster.local");
    }
    Type type = parseType(settings);
    InetSocketAddress server =
        settings
            .optionalString(DnsDiscoveryProvider.SERVER)
            .map(s -> parseServer(settings, s))
            .orElse(null);
    Duration timeout = settings.duration(DnsDiscoveryProvider.TIMEOUT);
    return new DnsSettings(name, type, server, timeout);
  }

  private static Type parseType(Settings settings) {
    String v = settings.string(DnsDiscoveryProvider.TYPE, "give a or srv");
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "a" -> Type.A;
      case "srv" -> Type.SRV;
      default ->
          throw ConfigException.invalid(
              DnsDiscoveryProvider.TYPE,
              v,
              settings.source(DnsDiscoveryProvider.TYPE),
              "unknown record type",
              "Use a (A and AAAA records) or srv (SRV records)");
    };
  }

  /**
   * {@code IP}, {@code IP:PORT}, {@code [IPv6]} or {@code [IPv6]:PORT}; a bare IPv6 literal is
   * taken whole (port 53). Host names are refused: resolving the DNS server's name would need DNS.
   */
  private static InetSocketAddress parseServer(Settings settings, String text) {
    String t = text.trim();
    String host = t;
    String port = null;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close > 0) {
        host = t.substring(0, close + 1);
        String rest = t.substring(close + 1);
        if (rest.startsWith(":")) {
          port = rest.substring(1);
        } else if (!rest.isEmpty()) {
          host = t; // garbage after the bracket: fails below
        }
      }
    } else if (t.indexOf(':') == t.lastIndexOf(':') && t.indexOf(':') >= 0) {
      host = t.substring(0, t.indexOf(':'));
      port = t.substring(t.indexOf(':') + 1);
    }
    InetAddress address = IpLiteral.parseOrNull(host);
    int portNumber = port == null ? 53 : parsePort(port);
    if (address == null || portNumber < 1) {
      throw ConfigException.invalid(
          DnsDiscoveryProvider.SERVER,
          text,
          settings.source(DnsDiscoveryProvider.SERVER),
          address == null
              ? "not an IP address (a DNS server's own name cannot be resolved without DNS)"
              : "not a port from 1 to 65535",
          "Write it as 10.0.0.2:53, 10.0.0.2 or [fd00::2]:53, or leave it unset to use"
              + " /etc/resolv.conf");
    }
    return new InetSocketAddress(address, portNumber);
  }

  private static int parsePort(String text) {
    if (!text.matches("\\d{1,5}")) {
      return -1;
    }
    int p = Integer.parseInt(text);
    return p <= 65535 ? p : -1;
  }

  static boolean isDnsName(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty() || n.length() > 253) {
      return false;
    }
    for (String label : n.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** "A/AAAA" or "SRV", for messages. */
  String typeText() {
    return type == Type.A ? "A/AAAA" : "SRV";
  }
}
