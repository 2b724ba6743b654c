package io.muster.agent.cli;

import io.muster.agent.logging.Logging;
import io.muster.aws.AwsClients;
import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.KeyRegistry;
import io.muster.config.Settings;
import io.muster.config.SettingsLoader;
import io.muster.node.NodeIdentity;
import io.muster.node.NodeIdentityResolver;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a command needs, built once from the config file, the environment and the flags. Node
 * identity and AWS clients are resolved on first use only, so a static set-up never touches
 * instance metadata or loads the AWS SDK.
 */
public final class CliContext implements AutoCloseable {
  public static final Path DEFAULT_CONFIG = Path.of("/etc/muster/muster.yaml");

  private final KeyRegistry registry;
  private final Settings settings;
  private final Path configFile;
  private final Clock clock = Clock.systemUTC();
  private NodeIdentity identity;
  private AwsClients aws;

  private CliContext(KeyRegistry registry, Settings settings, Path configFile) {
    this.registry = registry;
    this.settings = settings;
    this.configFile = configFile;
  }

  /**
   * @param explicitConfig the -c file, or null for the default path when it exists
   */
  public static CliContext load(
      KeyRegistry registry,
      Path explicitConfig,
      Map<String, List<String>> flags,
      Map<String, String> env) {
    Path file = explicitConfig;
    if (file == null && Files.isRegularFile(DEFAULT_CONFIG)) {
      file = DEFAULT_CONFIG;
    }
    SettingsLoader loader = new SettingsLoader(registry);
    Settings settings = loader.load(file, env, flags);
    String format = settings.string(CoreKeys.LOG_FORMAT, "text or json");
    if (!format.equals("text") && !format.equals("json")) {
      throw ConfigException.invalid(
          CoreKeys.LOG_FORMAT,
          format,
          settings.source(CoreKeys.LOG_FORMAT),
          "unknown log format",
          "Use text or json");
    }
    Logging.configure(format, settings.string(CoreKeys.LOG_LEVEL, "info"));
    Logger log = LoggerFactory.getLogger(CliContext.class);
    loader.warnings().forEach(log::warn);
    return new CliContext(registry, settings, file);
  }

  public KeyRegistry registry() {
    return registry;
  }

  public Settings settings() {
    return settings;
  }

  public Optional<Path> configFile() {
    return Optional.ofNullable(configFile);
  }

  public Clock clock() {
    return clock;
  }

  /** This node's identity; throws {@link IdentityFailure} (exit 1) when it cannot be resolved. */
  public synchronized NodeIdentity identity() {
    if (identity == null) {
      try {
        identity = NodeIdentityResolver.fromSettings(settings, clock).resolve();
      } catch (NodeIdentityResolver.IdentityException e) {
        throw new IdentityFailure(e.getMessage(), e);
      }
    }
    return identity;
  }

  /** AWS clients for the node's region and the configured endpoint. */
  public synchronized AwsClients aws() {
    if (aws == null) {
      String region = settings.optionalString(CoreKeys.NODE_REGION).orElse(null);
      if (region == null) {
        region = System.getenv("AWS_REGION");
      }
      if (region == null) {
        region = identity().region();
      }
      if (region == null) {
        throw ConfigException.missing(CoreKeys.NODE_REGION, "AWS calls need a region");
      }
      URI endpoint =
          settings.optionalString(CoreKeys.AWS_ENDPOINT_URL).map(CliContext::endpoint).orElse(null);
      aws =
          new AwsClients(
              region,
              endpoint,
              settings.duration(
                  CoreKeys.AWS_CALL_TIMEOUT, Duration.ofSeconds(1), Duration.ofMinutes(5)));
    }
    return aws;
  }

  private static URI endpoint(String text) {
    try {
      URI u = URI.create(text);
      if (u.getScheme() == null || u.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(
          CoreKeys.AWS_ENDPOINT_URL,
          text,
          "configuration",
          "not a URL",
          "Write it like http://127.0.0.1:4566");
    }
  }

  @Override
  public synchronized void close() {
    if (aws != null) {
      aws.close();
    }
  }

  /** Node identity could not be resolved (exit 1). */
  public static final class IdentityFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IdentityFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
