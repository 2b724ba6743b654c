package io.muster.discovery.dns;

import java.util.Objects;

/**
 * One SRV record (RFC 2782).
 *
 * @param target the target host name without trailing dot; "" when the record says "no service
 *     here" (target ".")
 */
record SrvRecord(int priority, int weight, int port, String target) {

  SrvRecord {
    Objects.requireNonNull(target, "target");
  }

  /**
   * Parses the presentation form "PRIORITY WEIGHT PORT TARGET", e.g. {@code 0 10 5222 n1.example.}
   *
   * @throws IllegalArgumentException naming the text when it is not that
   */
  static SrvRecord parse(String text) {
    String[] f = text.strip().split("\\s+");
    if (f.length != 4) {
      throw new IllegalArgumentException(
          "not an SRV record (priority weight port target): " + text);
    }
    try {
      int priority = Integer.parseInt(f[0]);
      int weight = Integer.parseInt(f[1]);
      int port = Integer.parseInt(f[2]);
      if (priority < 0
          || priority > 65535
          || weight < 0
          || weight > 65535
          || port < 0
          || port > 65535) {
        throw new IllegalArgumentException("SRV record field out of range: " + text);
      }
      String target = f[3].endsWith(".") ? f[3].substring(0, f[3].length() - 1) : f[3];
      return new SrvRecord(priority, weight, port, target);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not an SRV record (priority weight port target): " + text, e);
    }
  }

  /** RFC 2782: a target of "." means the service is decidedly not available at this name. */
  boolean noService() {
    return target.isEmpty();
  }
}
