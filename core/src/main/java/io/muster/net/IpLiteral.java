package io.muster.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parses IP address literals without ever touching DNS. */
public final class IpLiteral {
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  private IpLiteral() {}

  /** True when {@code text} is a dotted-quad IPv4 or an IPv6 literal (optionally in brackets). */
  public static boolean isLiteral(String text) {
    return parseOrNull(text) != null;
  }

  /** The address, or null when {@code text} is not an IP literal. Never resolves names. */
  public static InetAddress parseOrNull(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (IPV4.matcher(t).matches()
        || (t.indexOf(':') >= 0 && t.matches("[0-9a-fA-F:.%a-zA-Z0-9]+"))) {
      try {
        // With a literal, getByName parses and does no lookup.
        return InetAddress.getByName(t);
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return null;
  }

  /** Parses or throws IllegalArgumentException naming the text. */
  public static InetAddress parse(String text) {
    InetAddress a = parseOrNull(text);
    if (a == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
    return a;
  }

  /**
   * The canonical text form: dotted quad for IPv4; for IPv6 the RFC 5952 form (lower case, no
   * leading zeros, the longest run of two or more zero groups as "::"), so that one address is
   * always one string in records, logs and node names, however it was written.
   */
  public static String format(InetAddress a) {
    if (!(a instanceof Inet6Address)) {
      return a.getHostAddress();
    }
    byte[] b = a.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1; // a single zero group is not compressed (RFC 5952 4.2.2)
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLen - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    String jdk = a.getHostAddress();
    int scope = jdk.indexOf('%');
    return scope < 0 ? out.toString() : out + jdk.substring(scope);
  }
}
