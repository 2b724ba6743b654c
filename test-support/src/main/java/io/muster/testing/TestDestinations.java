package io.muster.testing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Where a test JVM may connect (TEST-ENV's network rule): loopback (127.0.0.0/8, ::1), this host's
 * wildcard address (which the kernel answers locally), and the /24 subnets of the {@link
 * TestNetwork}s that are open right now. Everything else is refused by {@link NetworkGuard}.
 */
final class TestDestinations {
  /**
   * Tests point the AWS SDK's own instance-metadata lookups here (the parent pom sets {@code
   * aws.ec2MetadataServiceEndpoint}); muster must send them to {@code node.imds-endpoint} instead,
   * so a connection here means some code path ignored it. Loopback, so that even without the guard
   * nothing would leave the machine.
   */
  static final String SDK_METADATA_ADDRESS = "127.169.254.254";

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[\\w.-]+)?");
  private static final Set<String> openSubnets = ConcurrentHashMap.newKeySet();

  private TestDestinations() {}

  /** Lets tests reach {@code subnet24}.0/24 (e.g. "10.99.1") until {@link #close}. */
  static void open(String subnet24) {
    openSubnets.add(subnet24);
  }

  static void close(String subnet24) {
    openSubnets.remove(subnet24);
  }

  static List<String> openSubnets() {
    return List.copyOf(new TreeSet<>(openSubnets));
  }

  /**
   * Why a connection to {@code host} is refused, or null when it is allowed. A host name is allowed
   * here: the JDK checks the connect again with the address it resolved to.
   */
  static String refusal(String host) {
    InetAddress address = literal(host);
    if (address == null) {
      return null;
    }
    if (address.getHostAddress().equals(SDK_METADATA_ADDRESS)) {
      return "that is where the AWS SDK's own instance-metadata lookups are sent in tests: some code"
          + " path ignores node.imds-endpoint";
    }
    if (address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || openSubnets.contains(subnet24(address))) {
      return null;
    }
    return "tests may connect only to loopback (127.0.0.0/8, ::1) and to open TestNetworks "
        + (openSubnets.isEmpty() ? "(none open)" : openSubnets());
  }

  /** The address {@code host} spells, or null for a name. Never a DNS lookup. */
  static InetAddress literal(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    String literal;
    if (IPV4.matcher(h).matches()) {
      literal = h;
    } else if (IPV6.matcher(h).matches()) {
      literal = "[" + h + "]"; // brackets: the JDK fails rather than look up a malformed one
    } else {
      return null;
    }
    try {
      return InetAddress.getByName(literal); // a literal is parsed, not looked up
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String subnet24(InetAddress address) {
    if (!(address instanceof Inet4Address)) {
      return "";
    }
    byte[] b = address.getAddress();
    return (b[0] & 255) + "." + (b[1] & 255) + "." + (b[2] & 255);
  }
}
