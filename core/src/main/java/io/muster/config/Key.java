package io.muster.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The one declaration of a configuration key: its YAML name, its environment variable (derived),
 * its optional command-line flag, its default, its documentation, and what a value must satisfy
 * (its constraint, and when it is required). The README's reference table is generated from these
 * declarations, and every value is checked against them when settings load, so a key documented
 * there always exists here, and every command judges a value the same way.
 *
 * @param name kebab-case dotted YAML path, e.g. {@code discovery.asg.name}
 * @param kind how the value is parsed and documented
 * @param defaultValue the default as text, or {@code null} when the key has none
 * @param flag the long flag (e.g. {@code --asg}) or {@code null}
 * @param doc one sentence for operators
 * @param secret whether the value must be redacted everywhere it is printed
 * @param constraint what a value must satisfy beyond its kind, or {@code null}
 * @param requiredWhen the setting that makes this key required, or {@code null}
 */
public record Key(
    String name,
    Kind kind,
    String defaultValue,
    String flag,
    String doc,
    boolean secret,
    Constraint constraint,
    Condition requiredWhen) {

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

  /** "when {@code key} is {@code value}". */
  public record Condition(Key key, String value) {
    public Condition {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    boolean holds(Settings s) {
      return s.text(key).map(value::equals).orElse(false);
    }

    @Override
    public String toString() {
      return key.name() + " is " + value;
    }
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
    return new Key(name, kind, defaultValue, null, doc, false, null, null);
  }

  public Key withFlag(String longFlag) {
    return new Key(name, kind, defaultValue, longFlag, doc, secret, constraint, requiredWhen);
  }

  public Key asSecret() {
    return new Key(name, kind, defaultValue, flag, doc, true, constraint, requiredWhen);
  }

  /** This key with {@code c} as what its values must satisfy. */
  public Key constrained(Constraint c) {
    return new Key(name, kind, defaultValue, flag, doc, secret, c, requiredWhen);
  }

  /** This key, required whenever {@code selector} is {@code value}. */
  public Key requiredWhen(Key selector, String value) {
    return new Key(
        name, kind, defaultValue, flag, doc, secret, constraint, new Condition(selector, value));
  }

  /** {@code discovery.asg.name} -> {@code MUSTER_DISCOVERY_ASG_NAME}. */
  public String env() {
    return "MUSTER_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The default of a DURATION key, for code that needs it without settings. */
  public Duration defaultDuration() {
    if (kind != Kind.DURATION || defaultValue == null) {
      throw new IllegalStateException(name + " has no duration default");
    }
    return Durations.parseOrNull(defaultValue);
  }

  /** The default of an INT key, for code that needs it without settings. */
  public int defaultInt() {
    if (kind != Kind.INT || defaultValue == null) {
      throw new IllegalStateException(name + " has no integer default");
    }
    return Integer.parseInt(defaultValue);
  }

  /**
   * The documentation with what the declaration adds: allowed values or bounds, and when the key is
   * required. For the reference and --help.
   */
  public String fullDoc() {
    StringBuilder b = new StringBuilder(doc);
    if (constraint != null) {
      b.append(" Allowed: ").append(constraint.describe()).append('.');
    }
    if (requiredWhen != null) {
      b.append(" Required when ").append(requiredWhen).append('.');
    }
    return b.toString();
  }
}
