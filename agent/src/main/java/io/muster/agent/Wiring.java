package io.muster.agent;

import io.muster.adapter.Adapter;
import io.muster.adapter.AdapterProvider;
import io.muster.adapter.ClusterAdapter;
import io.muster.agent.logging.LogEvent;
import io.muster.bootstrap.Backoff;
import io.muster.bootstrap.BootstrapSettings;
import io.muster.bootstrap.FileNodeState;
import io.muster.bootstrap.JoinFlow;
import io.muster.bootstrap.NodeState;
import io.muster.bootstrap.StepListener;
import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.HandoffFiles;
import io.muster.discovery.Discovery;
import io.muster.node.NodeIdentityResolver;
import io.muster.plugin.PluginContext;
import io.muster.plugin.Plugins;
import io.muster.plugin.Preflight;
import io.muster.process.OrphanedProcesses;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the production object graph of one command from its context. */
public final class Wiring {
  private static final Logger LOG = LoggerFactory.getLogger("bootstrap");
  private final NodeContext ctx;
  private final PluginContext plugins;
  private final BootstrapSettings bootstrap;

  public Wiring(NodeContext ctx) {
    this.ctx = ctx;
    this.plugins = ctx.plugins();
    this.bootstrap = BootstrapSettings.from(ctx.settings());
  }

  public NodeContext context() {
    return ctx;
  }

  public BootstrapSettings bootstrap() {
    return bootstrap;
  }

  public Discovery discovery() {
    return Plugins.discovery().selected(ctx.settings()).create(plugins);
  }

  public CredentialStore store() {
    return Plugins.stores().selected(ctx.settings()).create(bootstrap.cluster(), plugins);
  }

  public Adapter adapter() {
    return Plugins.adapters().selected(ctx.settings()).create(plugins);
  }

  /**
   * Builds, without running, every component `muster join` and `muster agent` build from these
   * settings (discovery, store, adapter), so that `muster config check` rejects exactly what they
   * reject. Nothing is contacted: components reach the outside world only when used.
   *
   * @return the adapter, for what the caller may say about it
   */
  public Adapter buildComponents() {
    checkCrossKeyRules();
    discovery();
    store();
    return adapter();
  }

  /**
   * The rules that span keys and no single key's declaration expresses (the lifecycle keys' today).
   * Every command that reads a configuration applies them, so that one file is valid or not
   * whatever command reads it. Cheap; contacts nothing.
   */
  public void checkCrossKeyRules() {
    io.muster.agent.lifecycle.LifecycleSettings.from(ctx.settings());
    io.muster.agent.lifecycle.LaunchHookDiscoveryRule.check(ctx.settings());
  }

  /**
   * Checks, before anything is changed, what `join` and `agent` will need on this machine: this
   * node's state directory and identity settings, and what the selected discovery, store and
   * adapter declare they need ({@link io.muster.plugin.Plugin#preflight}). Every problem is
   * reported at once as a {@link ConfigException} (exit 2). Looks only: instance metadata is not
   * contacted.
   */
  public void preflight() {
    checkCrossKeyRules();
    Settings s = ctx.settings();
    Preflight check = Preflight.forThisProcess(s);
    ConfigException emptyId = NodeIdentityResolver.emptyInstanceId(s);
    if (emptyId != null) {
      check.fail(emptyId);
    }
    String stateDir = s.string(CoreKeys.STATE_DIR, "a writable directory");
    try {
      check.writableDirectory(
          CoreKeys.STATE_DIR, Path.of(stateDir), "this node's membership and hand-off files");
    } catch (java.nio.file.InvalidPathException e) {
      check.fail(CoreKeys.STATE_DIR, "not a path", "Give a directory such as /var/lib/muster");
    }
    Plugins.discovery().selected(s).preflight(check);
    Plugins.stores().selected(s).preflight(check);
    Plugins.adapters().selected(s).preflight(check);
    check.throwIfAny();
  }

  /**
   * Removes the credential hand-off files a muster process that was killed (-9, power loss) left
   * under state.dir; those of muster processes still running are kept. Call at start, after the
   * preflight.
   */
  public void removeStaleHandoffFiles() {
    Path base =
        HandoffFiles.base(Path.of(ctx.settings().string(CoreKeys.STATE_DIR, "a directory")));
    try {
      for (Path p : HandoffFiles.removeStale(base)) {
        LOG.warn("removed {}, left by a muster process that did not finish", p);
        // The script that process ran, and what the script started, may still be running.
        List<Long> ended = OrphanedProcesses.endWithEnvironment("MUSTER_CREDENTIALS_FILE", p + "/");
        if (!ended.isEmpty()) {
          LOG.warn("ended processes {}, still running a script of that muster process", ended);
        }
      }
    } catch (java.io.IOException e) {
      LOG.warn("could not remove old hand-off files under {}: {}; remove them by hand", base, e);
    }
  }

  public ClusterAdapter clusterAdapter(Adapter a) {
    if (a instanceof ClusterAdapter c) {
      return c;
    }
    throw ConfigException.invalid(
        CoreKeys.ADAPTER_NAME,
        a.name(),
        ctx.settings().source(CoreKeys.ADAPTER_NAME),
        "this adapter follows membership and joins nothing",
        "Run it with `muster agent`, or choose an adapter that joins a cluster: "
            + String.join(
                ", ",
                Plugins.adapters().all().values().stream()
                    .filter(AdapterProvider::joinsClusters)
                    .map(AdapterProvider::name)
                    .toList()));
  }

  public NodeState state() {
    return new FileNodeState(
        Path.of(ctx.settings().string(CoreKeys.STATE_DIR, "a writable directory")),
        bootstrap.cluster());
  }

  public JoinFlow flow(
      Discovery discovery, CredentialStore store, ClusterAdapter adapter, NodeState state) {
    return new JoinFlow(
        bootstrap,
        ctx.identity(),
        discovery,
        store,
        adapter,
        state,
        ctx.clock(),
        new Backoff(bootstrap.interval(), bootstrap.backoffCap(), new SecureRandom()),
        () -> UUID.randomUUID().toString(),
        logListener());
  }

  /**
   * As {@link #flow(Discovery, CredentialStore, ClusterAdapter, NodeState)}, also telling {@code
   * also} about every decision and event (the agent's metrics and status).
   */
  public JoinFlow flow(
      Discovery discovery,
      CredentialStore store,
      ClusterAdapter adapter,
      NodeState state,
      StepListener also) {
    StepListener log = logListener();
    return new JoinFlow(
        bootstrap,
        ctx.identity(),
        discovery,
        store,
        adapter,
        state,
        ctx.clock(),
        new Backoff(bootstrap.interval(), bootstrap.backoffCap(), new SecureRandom()),
        () -> UUID.randomUUID().toString(),
        new StepListener() {
          @Override
          public void decided(NodeState.StepRecord step) {
            log.decided(step);
            also.decided(step);
          }

          @Override
          public void event(String kind, String message) {
            log.event(kind, message);
            also.event(kind, message);
          }
        });
  }

  /**
   * One log line per step: view size, seed, decision, reason (structured in JSON mode), and one per
   * event, its kind in the {@code event} field (the vocabulary is {@link LogEvent}).
   */
  static StepListener logListener() {
    return new StepListener() {
      @Override
      public void decided(NodeState.StepRecord s) {
        LOG.atInfo()
            .addKeyValue("event", LogEvent.DECISION.kind())
            .addKeyValue("view", s.viewSize())
            .addKeyValue("seed", s.seed())
            .addKeyValue("decision", s.decision())
            .log(s.decision() + ": " + s.reason());
      }

      @Override
      public void event(String kind, String message) {
        // Failures the flow retries are warnings: the node is not where it should be yet. So is a
        // damaged store record the flow skips: someone must repair it.
        (kind.endsWith("-error") || kind.startsWith("damaged-") ? LOG.atWarn() : LOG.atInfo())
            .addKeyValue("event", kind)
            .log(message);
      }
    };
  }

  public Duration timeout() {
    return bootstrap.timeout();
  }
}
