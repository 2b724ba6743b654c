package io.muster.config;

import io.muster.net.IpLiteral;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** The constraints keys declare. */
public final class Constraints {
  private Constraints() {}

  /** A whole number from {@code min} to {@code max}, both included. */
  public static Constraint between(long min, long max) {
    return simple(
        v -> ((Number) v).longValue() >= min && ((Number) v).longValue() <= max,
        "out of range",
        "Use a whole number from " + min + " to " + max,
        min + " to " + max);
  }

  /** A duration from {@code min} to {@code max}, both included. */
  public static Constraint between(Duration min, Duration max) {
    String range = Durations.format(min) + " to " + Durations.format(max);
    return simple(
        v -> ((Duration) v).compareTo(min) >= 0 && ((Duration) v).compareTo(max) <= 0,
        "out of range",
        "Use a duration from " + range,
        range);
  }

  /** One of these words. */
  public static Constraint oneOf(String... values) {
    List<String> all = List.of(values);
    return oneOf(() -> all, "unknown value");
  }

  /**
   * One of the names {@code values} supplies when the check runs (e.g. the plugins on the class
   * path), so docs, help and messages list what this build really has.
   */
  public static Constraint oneOf(Supplier<List<String>> values, String problem) {
    return new Constraint() {
      @Override
      public String problem(Object value) {
        return values.get().contains(value.toString()) ? null : problem;
      }

      @Override
      public String fix() {
        return "Use one of: " + String.join(", ", values.get());
      }

      @Override
      public String describe() {
        return "one of: " + String.join(", ", values.get());
      }
    };
  }

  /**
   * Text matching {@code regex} as a whole.
   *
   * @param describe what matches, as a noun phrase for the reference: "an octal mode such as 0400"
   */
  public static Constraint matching(String regex, String describe, String problem, String fix) {
    Pattern p = Pattern.compile(regex);
    return simple(v -> p.matcher(v.toString()).matches(), problem, fix, describe);
  }

  /** An IPv4 or IPv6 literal (host names are not resolved). */
  public static Constraint ipAddress() {
    return simple(
        v -> IpLiteral.parseOrNull(v.toString()) != null,
        "not an IP address",
        "Give an IPv4 or IPv6 address, e.g. 10.0.1.12",
        "an IP address");
  }

  /**
   * An IP literal another node can reach this one at: not the unspecified address (0.0.0.0, ::),
   * which means "any" to a socket and nothing to a peer, and not a multicast group.
   */
  public static Constraint unicastAddress() {
    return new Constraint() {
      @Override
      public String problem(Object value) {
        java.net.InetAddress a = IpLiteral.parseOrNull(value.toString());
        if (a == null) {
          return "not an IP address";
        }
        if (a.isAnyLocalAddress()) {
          return "the unspecified address, which no peer can reach";
        }
        if (a.isMulticastAddress()) {
          return "a multicast address, not one host's";
        }
        return null;
      }

      @Override
      public String fix() {
        return "Give this host's own private IPv4 or IPv6 address, e.g. 10.0.1.12";
      }

      @Override
      public String describe() {
        return "an IP address of this host (not 0.0.0.0, :: or multicast)";
      }
    };
  }

  /** An http:// or https:// URL with a host. */
  public static Constraint httpUrl() {
    return simple(
        v -> {
          try {
            URI u = new URI(v.toString());
            return u.getHost() != null
                && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()));
          } catch (java.net.URISyntaxException e) {
            return false;
          }
        },
        "not an http(s) URL",
        "Write it like http://127.0.0.1:4566",
        "an http(s) URL");
  }

  /** An absolute file system path. */
  public static Constraint absolutePath() {
    return simple(
        v -> {
          try {
            return Path.of(v.toString()).isAbsolute();
          } catch (InvalidPathException e) {
            return false;
          }
        },
        "not an absolute path",
        "Give an absolute path, e.g. /var/lib/muster",
        "an absolute path");
  }

  private interface Test {
    boolean ok(Object value);
  }

  private static Constraint simple(Test test, String problem, String fix, String describe) {
    return new Constraint() {
      @Override
      public String problem(Object value) {
        return test.ok(value) ? null : problem;
      }

      @Override
      public String fix() {
        return fix;
      }

      @Override
      public String describe() {
        return describe;
      }
    };
  }
}
