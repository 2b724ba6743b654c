package io.muster.cli;

import io.muster.config.KeyRegistry;
import java.util.Map;
import picocli.CommandLine.Command;

/** The root command; holds what every subcommand shares. */
@Command(
    name = "muster",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Forms exactly one cluster out of freshly launched instances, with no human in the loop.",
    subcommands = {
      PeersCommand.class,
      JoinCommand.class,
      LeaveCommand.class,
      StatusCommand.class,
      AgentCommand.class,
      SimulateCommand.class,
      ConfigCommand.class,
      IamPolicyCommand.class,
      LifecycleCommand.class,
    })
public final class MusterCommand implements Runnable {
  final KeyRegistry registry;
  final Map<String, String> env;

  MusterCommand(KeyRegistry registry, Map<String, String> env) {
    this.registry = registry;
    this.env = env;
  }

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "a command is required (peers, join, agent, status, ...)");
  }
}
