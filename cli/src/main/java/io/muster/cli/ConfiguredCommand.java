package io.muster.cli;

import io.muster.agent.NodeContext;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that reads the configuration (file, env, flags generated from the key declarations).
 */
abstract class ConfiguredCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Config file (default: /etc/muster/muster.yaml when it exists).")
  Path config;

  MusterCommand root() {
    CommandSpec s = spec;
    while (s.parent() != null) {
      s = s.parent();
    }
    return (MusterCommand) s.userObject();
  }

  NodeContext context() {
    MusterCommand root = root();
    return NodeContext.load(root.registry, config, KeyOptions.given(spec, root.registry), root.env);
  }

  @Override
  public final Integer call() throws Exception {
    try (NodeContext ctx = context()) {
      return run(ctx);
    }
  }

  abstract int run(NodeContext ctx) throws Exception;
}
