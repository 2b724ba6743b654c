package io.muster.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resolved configuration: for every key that was set, its raw items and where they came from
 * (flag, env, file). Typed getters validate and apply defaults, and their errors name the key, the
 * value, its source and the fix. Immutable.
 */
public final class Settings {

  /** Raw items of one key and their source, e.g. "flag --asg", "env MUSTER_X", "file /etc/x". */
  public record Raw(List<String> items, String source) {
    public Raw {
      items = List.copyOf(items);
    }

    String joined() {
      return String.join(",", items);
    }
  }

  private final Map<String, Raw> values;

  public Settings(Map<String, Raw> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public static Settings empty() {
    return new Settings(Map.of());
  }

  /** A copy with {@code key} set, as a flag would; for tests and programmatic use. */
  public Settings with(Key key, String... items) {
    Map<String, Raw> copy = new LinkedHashMap<>(values);
    copy.put(key.name(), new Raw(List.of(items), "override"));
    return new Settings(copy);
  }

  public boolean isSet(Key key) {
    return values.containsKey(key.name());
  }

  public String source(Key key) {
    Raw raw = values.get(key.name());
    return raw == null ? "default" : raw.source();
  }

  /**
   * The value as text (joined with commas for lists), or the default, or empty. A value that is set
   * must satisfy the key's constraint.
   */
  public Optional<String> optionalString(Key key) {
    Raw raw = values.get(key.name());
    if (raw != null) {
      String v = raw.joined().trim();
      if (v.isEmpty()) {
        return Optional.empty();
      }
      if (key.kind() == Key.Kind.STRING) {
        check(key, v, v);
      }
      return Optional.of(v);
    }
    return Optional.ofNullable(key.defaultValue());
  }

  /** The value or default as text, unchecked: for conditions between keys. */
  Optional<String> text(Key key) {
    Raw raw = values.get(key.name());
    if (raw != null) {
      String v = raw.joined().trim();
      return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }
    return Optional.ofNullable(key.defaultValue());
  }

  public String string(Key key, String fixIfMissing) {
    return optionalString(key).orElseThrow(() -> ConfigException.missing(key, fixIfMissing));
  }

  /** A whole number within the key's declared bounds. */
  public int integer(Key key) {
    String v = string(key, "give a whole number" + allowed(key));
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw ConfigException.invalid(
          key, v, source(key), "not a whole number", "Use a whole number" + allowed(key));
    }
    check(key, v, n);
    return n;
  }

  public boolean bool(Key key) {
    String v = string(key, "give true or false");
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default ->
          throw ConfigException.invalid(key, v, source(key), "not a boolean", "Use true or false");
    };
  }

  /** A duration within the key's declared bounds. */
  public Duration duration(Key key) {
    String v = string(key, "give a duration such as 30s");
    Duration d = Durations.parseOrNull(v);
    if (d == null) {
      throw ConfigException.invalid(
          key, v, source(key), "not a duration", "Write it like 500ms, 30s, 2m or 1h");
    }
    check(key, v, d);
    return d;
  }

  private void check(Key key, String shown, Object parsed) {
    Constraint c = key.constraint();
    if (c == null) {
      return;
    }
    String problem = c.problem(parsed);
    if (problem != null) {
      throw ConfigException.invalid(key, shown, source(key), problem, c.fix());
    }
  }

  private static String allowed(Key key) {
    return key.constraint() == null ? "" : " (" + key.constraint().describe() + ")";
  }

  /**
   * A list: the raw items, each also split on commas, blanks dropped; each item must satisfy the
   * key's constraint.
   */
  public List<String> list(Key key) {
    Raw raw = values.get(key.name());
    List<String> src =
        raw != null
            ? raw.items()
            : key.defaultValue() == null ? List.of() : List.of(key.defaultValue());
    List<String> out = new ArrayList<>();
    for (String item : src) {
      for (String part : item.split(",")) {
        String p = part.trim();
        if (!p.isEmpty()) {
          check(key, p, p); // a list key's constraint applies to each item
          out.add(p);
        }
      }
    }
    return List.copyOf(out);
  }

  /** KEY=VALUE items as an ordered map; an item without '=' is an error naming it. */
  public Map<String, String> map(Key key) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String item : list(key)) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw ConfigException.invalid(
            key, item, source(key), "not a KEY=VALUE pair", "Write each item as KEY=VALUE");
      }
      out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
    }
    return Collections.unmodifiableMap(out);
  }

  /** Every explicitly set key name, in order; for {@code config check}. */
  public Map<String, Raw> raw() {
    return values;
  }

  /** Equal when the same keys were set to the same items from the same sources. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Settings other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Key names only: values may be secret. */
  @Override
  public String toString() {
    return "Settings" + values.keySet();
  }
}
