package io.muster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.agent.NodeContext;
import io.muster.agent.logging.Logging;
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

  private static final ObjectMapper JSON = new ObjectMapper();

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
    Logging.forgetFormat();
    boolean jsonRequested = jsonRequested(args, env);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println(errorLine(message(ex), jsonRequested || Logging.json()));
          commandLine.getErr().flush();
          return exitCode(ex);
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("muster: " + ex.getMessage());
          // The command's full name: "muster config check", never "muster check" or "muster
          // muster".
          ex.getCommandLine()
              .getErr()
              .println(
                  "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
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

  /**
   * The final error line: "muster: MESSAGE", or with --log-format json one JSON object like the log
   * lines before it, so a log collector reads every line the same way.
   */
  static String errorLine(String message, boolean json) {
    if (!json) {
      return "muster: " + message;
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("time", java.time.Instant.now().toString());
    n.put("level", "ERROR");
    n.put("logger", "muster");
    n.put("message", message);
    return n.toString();
  }

  /** --log-format json (or its variable) was asked for, even if the configuration did not load. */
  private static boolean jsonRequested(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-format=json")
          || (args[i].equals("--log-format")
              && i + 1 < args.length
              && args[i + 1].equals("json"))) {
        return true;
      }
    }
    return "json".equals(env.get("MUSTER_LOG_FORMAT"));
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
