package io.muster.cli;

import io.muster.agent.Agents;
import io.muster.agent.NodeContext;
import io.muster.agent.Wiring;
import io.muster.agent.runtime.AgentRuntime;
import java.time.Duration;
import picocli.CommandLine.Command;

/**
 * {@code muster agent}: the systemd service. Runs the node's {@link AgentRuntime} (join without a
 * deadline, re-check, follow membership) until SIGTERM or SIGINT, then stops it, which leaves the
 * cluster when agent.leave-on-shutdown is set, and exits 0. SIGHUP is ignored ({@link
 * StopSignals}). What runs is decided in {@link Agents}; this is only the process around it.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description =
        "Run as a service: join, then follow membership; leave on SIGTERM if agent.leave-on-shutdown.")
final class AgentCommand extends ConfiguredCommand {
  /** How long SIGTERM holds the JVM for the runtime to stop (and leave); systemd allows 90 s. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(60);

  @Override
  int run(NodeContext ctx) throws Exception {
    Wiring wiring = new Wiring(ctx);
    wiring.preflight();
    wiring.removeStaleHandoffFiles();
    AgentRuntime runtime = Agents.assemble(wiring);
    // SIGTERM/SIGINT stop the runtime and run() returns, so the agent exits 0 after a clean stop;
    // the hook still stops it on any other way out of the JVM (System.exit elsewhere, -Xrs).
    // The stop is asked first, so no new step starts; then the command running at that moment (a
    // form script) is ended with its process tree and hand-off files. Commands are not refused:
    // stopping the components (a leave on shutdown) runs its own.
    StopSignals.install(
        () -> {
          runtime.stop();
          ctx.endRunningCommands(false);
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndWait(runtime), "muster-shutdown"));
    runtime.run();
    return Main.OK;
  }

  /** The JVM exits when its shutdown hooks return, so the hook waits for the runtime to stop. */
  private static void stopAndWait(AgentRuntime runtime) {
    runtime.stop();
    try {
      runtime.awaitStopped(STOP_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
