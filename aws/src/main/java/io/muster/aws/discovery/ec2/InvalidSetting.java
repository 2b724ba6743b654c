package io.muster.aws.discovery.ec2;

import io.muster.config.ConfigException;
import io.muster.config.Key;

/**
 * A settings record rejected a value in its compact constructor. The record does not know where the
 * value came from, so the message here names key, value, problem and fix; {@link
 * #toConfigException(String)} adds the source once the caller knows it.
 */
public final class InvalidSetting extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient Key key;
  private final String value;
  private final String problem;
  private final String fix;

  public InvalidSetting(Key key, String value, String problem, String fix) {
    super(
        key.name()
            + "="
            + (key.secret() ? "<redacted>" : "'" + value + "'")
            + ": "
            + problem
            + ". "
            + fix);
    this.key = key;
    this.value = value;
    this.problem = problem;
    this.fix = fix;
  }

  public Key key() {
    return key;
  }

  /** The same complaint as a configuration error naming where the value came from. */
  public ConfigException toConfigException(String source) {
    return ConfigException.invalid(key, value, source, problem, fix);
  }
}
