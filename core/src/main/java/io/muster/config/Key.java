package io.muster.config;

import java.util.Locale;
import java.util.Objects;

/**
 * The one declaration of a configuration key: its YAML name, its environment variable (derived),
 * its optional command-line flag, its default and its documentation. The README's reference table
 * is generated from these declarations, so a key documented there always exists here and vice
 * versa.
 *
 * @param name kebab-case dotted YAML path, e.g. {@code discovery.asg.name}
 * @param kind how the value is parsed and documented
 * @param defaultValue the default as text, or {@code null} when the key has none
 * @param flag the long flag (e.g. {@code --asg}) or {@code null}
 * @param doc one sentence for operators
 * @param secret whether the value must be redacted everywhere it is printed
 */
public record Key(
    String name, Kind kind, String defaultValue, String flag, String doc, boolean secret) {

  /** How a value is parsed. */
  public enum Kind {
    STRING,
    INT,
    BOOL,
    DURATION,
    /** Comma-separated in env and flags, a YAML sequence in files; flags may repeat. */
    LIST,
    /** KEY=VALUE items: comma-separated in env, repeatable flag, a YAML mapping in files. */
    MAP
  }

  public Key {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(doc, "doc");
    if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*")) {
      throw new IllegalArgumentException("key name must be kebab-case dotted: " + name);
    }
    if (flag != null && !flag.startsWith("--")) {
      throw new IllegalArgumentException("flag must start with --: " + flag);
    }
  }

  public static Key of(String name, Kind kind, String defaultValue, String doc) {
    return new Key(name, kind, defaultValue, null, doc, false);
  }

  public Key withFlag(String longFlag) {
    return new Key(name, kind, defaultValue, longFlag, doc, secret);
  }

  public Key asSecret() {
    return new Key(name, kind, defaultValue, flag, doc, true);
  }

  /** {@code discovery.asg.name} -> {@code MUSTER_DISCOVERY_ASG_NAME}. */
  public String env() {
    return "MUSTER_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
