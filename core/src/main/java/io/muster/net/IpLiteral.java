package io.muster.net;

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

  /** The canonical text form: dotted quad for IPv4, compressed-free JDK form for IPv6. */
  public static String format(InetAddress a) {
    return a.getHostAddress();
  }
}
