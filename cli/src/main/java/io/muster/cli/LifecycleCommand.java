package io.muster.cli;

import io.muster.agent.NodeContext;
import io.muster.agent.fleet.FleetControllers;
import io.muster.agent.runtime.AgentRuntime;
import java.time.Duration;
import picocli.CommandLine.Command;

/**
 * {@code muster lifecycle}: the fleet controller, a daemon on a management host that consumes the
 * SQS queue of a group's lifecycle notifications, runs the operator's hook commands, removes
 * terminated members, and completes each action once. What runs is built in {@link
 * FleetControllers}; this is only the process around it.
 */
@Command(
    name = "lifecycle",
    mixinStandardHelpOptions = true,
    description =
        "Run the fleet controller: consume lifecycle.controller.queue-url, run the hook commands,"
            + " remove terminated members, complete each lifecycle action once.")
final class LifecycleCommand extends ConfiguredCommand {
  /** A hook command in progress is not cut short by SIGTERM; systemd's stop timeout bounds it. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(60);

  @Override
  int run(NodeContext ctx) throws Exception {
    AgentRuntime runtime = FleetControllers.assemble(ctx);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runtime.stop();
                  try {
                    runtime.awaitStopped(STOP_GRACE);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "muster-shutdown"));
    runtime.run();
    return Main.OK;
  }
}
