package io.muster.plugin;

import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import io.muster.process.ProcessRunner;
import io.muster.process.SystemProcessRunner;
import io.muster.time.Sleeper;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What a plugin may use to build itself: its settings, this node (resolved on first use, so a
 * plugin that does not need it never touches instance metadata), the seams for processes and time,
 * and the process's shared resources.
 */
public record PluginContext(
    Settings settings,
    Supplier<NodeIdentity> identity,
    ProcessRunner processes,
    Clock clock,
    Sleeper sleeper,
    SharedResources shared) {

  /** Given seams and fresh shared resources. */
  public PluginContext(
      Settings settings,
      Supplier<NodeIdentity> identity,
      ProcessRunner processes,
      Clock clock,
      Sleeper sleeper) {
    this(settings, identity, processes, clock, sleeper, new SharedResources());
  }

  /** Production seams: real processes, the system clock, real sleeps, fresh shared resources. */
  public static PluginContext of(Settings settings, Supplier<NodeIdentity> identity) {
    return new PluginContext(
        settings,
        identity,
        new SystemProcessRunner(),
        Clock.systemUTC(),
        Sleeper.SYSTEM,
        new SharedResources());
  }

  public PluginContext withProcesses(ProcessRunner runner) {
    return new PluginContext(settings, identity, runner, clock, sleeper, shared);
  }

  public PluginContext withTime(Clock c, Sleeper s) {
    return new PluginContext(settings, identity, processes, c, s, shared);
  }

  public PluginContext withSettings(Settings s) {
    return new PluginContext(s, identity, processes, clock, sleeper, shared);
  }
}
