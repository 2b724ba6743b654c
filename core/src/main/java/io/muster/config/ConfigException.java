package io.muster.config;

/**
 * A configuration error: the message names the key, the offending value (unless secret) and the
 * fix. The CLI exits 2 on it.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  /** "KEY=VALUE (from SOURCE): PROBLEM. FIX". */
  public static ConfigException invalid(
      Key key, String shownValue, String source, String problem, String fix) {
    String value = key.secret() ? "<redacted>" : "'" + shownValue + "'";
    return new ConfigException(
        key.name() + "=" + value + " (from " + source + "): " + problem + ". " + fix);
  }

  public static ConfigException missing(Key key, String fix) {
    StringBuilder how =
        new StringBuilder("set " + key.name() + " in the config file, or " + key.env());
    if (key.flag() != null) {
      how.append(", or ").append(key.flag());
    }
    return new ConfigException(key.name() + " is required: " + fix + " (" + how + ")");
  }
}
