package io.muster.discovery.dns;

import io.muster.discovery.DiscoveryException;
import io.muster.net.IpLiteral;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which DNS servers to ask. The system resolver's list is read from resolv.conf on every pass,
 * because at boot (when muster runs) DHCP or systemd-resolved may still be rewriting it.
 */
interface NameServers {

  /** The servers to ask now, in order; never empty. */
  List<InetSocketAddress> current() throws DiscoveryException;

  /** "127.0.0.1:5353" or "the system resolver (10.0.0.2:53 from /etc/resolv.conf)". */
  String describe();

  static NameServers fixed(InetSocketAddress server) {
    return new NameServers() {
      @Override
      public List<InetSocketAddress> current() {
        return List.of(server);
      }

      @Override
      public String describe() {
        return format(server);
      }
    };
  }

  static NameServers resolvConf(Path file) {
    return new NameServers() {
      @Override
      public List<InetSocketAddress> current() throws DiscoveryException {
        List<InetSocketAddress> servers;
        try {
          servers = parseResolvConf(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new DiscoveryException(
              "cannot read the system resolver's configuration "
                  + file
                  + ": "
                  + e
                  + ". Set discovery.dns.server to the DNS server's IP:PORT.",
              e);
        }
        if (servers.isEmpty()) {
          throw new DiscoveryException(
              file
                  + " lists no usable nameserver line. Set discovery.dns.server to the DNS server's"
                  + " IP:PORT (in a VPC: the base address + 2, or 169.254.169.253:53).");
        }
        return servers;
      }

      @Override
      public String describe() {
        try {
          List<InetSocketAddress> servers = current();
          return "the system resolver ("
              + servers.stream().map(NameServers::format).collect(Collectors.joining(", "))
              + " from "
              + file
              + ")";
        } catch (DiscoveryException e) {
          return "the system resolver (" + file + ": no usable nameserver)";
        }
      }
    };
  }

  /**
   * The {@code nameserver} lines of a resolv.conf text, in order, each on port 53; comments and
   * other options are ignored, as are entries that are not IP literals.
   */
  static List<InetSocketAddress> parseResolvConf(String text) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.startsWith("#") || l.startsWith(";")) {
        continue;
      }
      String[] words = l.split("\\s+");
      if (words.length >= 2 && words[0].equals("nameserver")) {
        InetAddress a = IpLiteral.parseOrNull(words[1]);
        if (a != null) {
          out.add(new InetSocketAddress(a, 53));
        }
      }
    }
    return List.copyOf(out);
  }

  /** 10.0.0.2:53 or [fd00::2]:53. */
  static String format(InetSocketAddress s) {
    String host = IpLiteral.format(s.getAddress());
    return (s.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + s.getPort();
  }
}
