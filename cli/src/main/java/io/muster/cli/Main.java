package io.muster.cli;

import io.muster.agent.NodeContext;
import io.muster.config.ConfigException;
import io.muster.config.KeyRegistry;
import io.muster.discovery.DiscoveryException;
import io.muster.plugin.Plugins;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code muster} command. Exit codes: 0 done, 1 failed (the message says what to do), 2 usage
 * or configuration error.
 */
public final class Main {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    int code =
        run(
            args,
            System.getenv(),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true));
    System.exit(code);
  }

  /** Runs one command line; for tests, with a given environment and output streams. */
  public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    KeyRegistry registry = Plugins.keys();
    MusterCommand root = new MusterCommand(registry, env);
    CommandLine cl = new CommandLine(root);
    addKeyOptions(cl, registry);
    cl.getSubcommands()
        .get("simulate")
        .getCommandSpec()
        .usageMessage()
        .footer(SimulateCommand.optionHelp());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("muster: " + message(ex));
          commandLine.getErr().flush();
          return exitCode(ex);
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("muster: " + ex.getMessage());
          ex.getCommandLine()
              .getErr()
              .println("Try 'muster " + ex.getCommandLine().getCommandName() + " --help'.");
          return USAGE;
        });
    return cl.execute(args);
  }

  static void addKeyOptions(CommandLine cl, KeyRegistry registry) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      if (spec.userObject() instanceof ConfiguredCommand) {
        KeyOptions.addTo(spec, registry);
      }
      addKeyOptions(sub, registry);
    }
  }

  static int exitCode(Throwable ex) {
    if (ex instanceof ConfigException) {
      return USAGE;
    }
    return FAILED;
  }

  static String message(Throwable ex) {
    if (ex instanceof ConfigException) {
      return "configuration error: " + ex.getMessage();
    }
    if (ex instanceof DiscoveryException || ex instanceof NodeContext.IdentityFailure) {
      return ex.getMessage();
    }
    return ex.getMessage() == null ? ex.toString() : ex.getMessage();
  }
}
