package io.muster.cli;

import io.muster.adapter.Adapter;
import io.muster.adapter.ClusterAdapter;
import io.muster.agent.NodeContext;
import io.muster.agent.Wiring;
import io.muster.config.Key;
import io.muster.config.KeyCatalog;
import io.muster.config.Settings;
import picocli.CommandLine.Command;

/** {@code muster config check}. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Configuration commands.",
    subcommands = {ConfigCommand.Check.class, ConfigCommand.Reference.class})
final class ConfigCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "use: muster config check");
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Validate the configuration and print the effective values with their source;"
            + " secrets are redacted.",
        "Exit 0 when valid, 2 with a message naming the key, the value and the fix."
      })
  static final class Check extends ConfiguredCommand {
    @picocli.CommandLine.Option(
        names = "--skip-host-checks",
        description =
            "Check the file only, not this machine (state.dir and store dir writable, adapter"
                + " commands present): for a configuration meant for another host or image, e.g."
                + " in CI before baking it.")
    boolean skipHostChecks;

    @Override
    int run(NodeContext ctx) {
      Settings s = ctx.settings();
      // Every value was checked against its key when the settings loaded; now build what join
      // and agent build from them, without running any of it.
      Wiring wiring = new Wiring(ctx);
      Adapter adapter = wiring.buildComponents();
      // and what they check on this machine before acting, so check and join agree here too.
      if (skipHostChecks) {
        wiring.checkCrossKeyRules();
      } else {
        wiring.preflight();
      }
      var out = spec.commandLine().getOut();
      out.println(
          "# effective configuration" + ctx.configFile().map(f -> " (file " + f + ")").orElse(""));
      for (KeyCatalog catalog : ctx.registry().catalogs()) {
        StringBuilder section = new StringBuilder();
        for (Key key : catalog.keys()) {
          if (!s.isSet(key) && key.defaultValue() == null) {
            continue;
          }
          String value = key.secret() ? "<redacted>" : s.optionalString(key).orElse("");
          section.append(String.format("%-40s %-30s # %s%n", key.name(), value, s.source(key)));
        }
        if (section.length() > 0) {
          out.println("## " + catalog.section());
          out.print(section);
        }
      }
      if (!(adapter instanceof ClusterAdapter)) {
        out.println(
            "# note: adapter "
                + adapter.name()
                + " follows the membership and joins nothing: run it with `muster agent`"
                + " (`muster join` refuses it)");
      }
      out.println("# configuration is valid");
      out.flush();
      return Main.OK;
    }
  }

  @Command(
      name = "reference",
      mixinStandardHelpOptions = true,
      description =
          "Print the configuration reference (Markdown) generated from the key declarations.")
  static final class Reference implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(ConfigReference.markdown(io.muster.plugin.Plugins.keys()));
      spec.commandLine().getOut().flush();
      return Main.OK;
    }
  }
}
