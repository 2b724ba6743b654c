package io.muster.agent;

import io.muster.agent.logging.Logging;
import io.muster.config.KeyRegistry;
import io.muster.config.Settings;
import io.muster.config.SettingsLoader;
import io.muster.credentials.HandoffFiles;
import io.muster.model.NodeIdentity;
import io.muster.node.InstanceMetadata;
import io.muster.node.NodeIdentityResolver;
import io.muster.plugin.PluginContext;
import io.muster.plugin.SharedResources;
import io.muster.process.SystemProcessRunner;
import io.muster.time.Deadline;
import io.muster.time.Sleeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
public final class NodeContext implements AutoCloseable {
  /**
   * The file read when no -c is given. The system property exists for test JVMs: a machine with the
   * package installed (PackageInstallIT installs it while other tests run) must not hand its
   * /etc/muster/muster.yaml to in-process tests.
   */
  public static final Path DEFAULT_CONFIG =
      Path.of(System.getProperty("muster.default-config", "/etc/muster/muster.yaml"));

  private final KeyRegistry registry;
  private final Settings settings;
  private final Path configFile;
  private final Clock clock = Clock.systemUTC();
  private final SharedResources shared = new SharedResources();
  private final SystemProcessRunner processes = new SystemProcessRunner(clock);
  private NodeIdentity identity;

  private NodeContext(KeyRegistry registry, Settings settings, Path configFile) {
    this.registry = registry;
    this.settings = settings;
    this.configFile = configFile;
  }

  /**
   * @param explicitConfig the -c file, or null for the default path when it exists
   */
  public static NodeContext load(
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
    // Both values were checked against their keys' allowed values when the settings loaded.
    Logging.configure(
        settings.string(AgentKeys.LOG_FORMAT, "text or json"),
        settings.string(AgentKeys.LOG_LEVEL, "info"));
    Logger log = LoggerFactory.getLogger(NodeContext.class);
    loader.warnings().forEach(log::warn);
    return new NodeContext(registry, settings, file);
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
        identity =
            new NodeIdentityResolver(
                    settings,
                    () -> InstanceMetadata.Source.installed().open(settings, clock),
                    NodeIdentityResolver::osHostname)
                .resolve();
      } catch (NodeIdentityResolver.IdentityException e) {
        throw new IdentityFailure(e.getMessage(), e);
      }
    }
    return identity;
  }

  /** What plugins are built with: these settings, this node, the production seams. */
  public PluginContext plugins() {
    return new PluginContext(settings, this::identity, processes, clock, Sleeper.SYSTEM, shared);
  }

  /**
   * Ends every command and every call with a timeout of its own (the Docker API) no later than
   * {@code at}: {@code join --timeout} bounds everything.
   */
  public void limitUntil(java.time.Instant at, String name) {
    processes.limitUntil(at, name);
    shared.get(Deadline.class, () -> new Deadline(clock)).set(at, name);
  }

  /** The one runner of every command this process runs, so that a limit or a stop reaches all. */
  public SystemProcessRunner processes() {
    return processes;
  }

  /**
   * For a stop by signal (SIGTERM, SIGINT): ends the commands running now, each with every process
   * it started, and removes the credential hand-off files still on disk.
   *
   * @param refuseNew whether later commands are refused: the process exits next
   */
  public void endRunningCommands(boolean refuseNew) {
    processes.endRunning(refuseNew);
    HandoffFiles.removeLive();
  }

  @Override
  public void close() {
    shared.close();
  }

  /** Node identity could not be resolved (exit 1). */
  public static final class IdentityFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IdentityFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
