package io.muster.cli;

import io.muster.sim.ProgressLine;
import io.muster.sim.SimulationReport;
import io.muster.sim.SimulationSettings;
import io.muster.sim.Simulator;
import io.muster.sim.Strategy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code muster simulate}: the real formation code on a simulated fleet and cloud, on virtual time.
 * Needs no cloud account. Exit 1 when muster broke a property in any run (the report prints the
 * command that reproduces it), 2 on bad options.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Run muster's real formation code on simulated fleets (virtual time, lagging views, API"
          + " throttling, crashes, lost writes, terminations) next to the naive script pattern, and"
          + " report clusters formed, convergence and AWS API cost.",
      "Exit 0 when muster kept S1..L2 in every run, 1 when a run broke one (its reproduction"
          + " command is printed), 2 on bad options. Options, with defaults:"
    })
final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--output", defaultValue = "text", description = "text or json")
  OutputFormat output;

  @Option(names = "--trace", description = "Print run 0 event by event instead of the report.")
  boolean trace;

  @Option(
      names = "--all-failures",
      description = "List every failing run with its replay command (default: a count and three).")
  boolean allFailures;

  @Option(
      names = "--plot",
      paramLabel = "FILE.svg",
      description =
          "Also write a picture: convergence of muster next to naive, and the API requests per"
              + " second of muster's slowest run against the quotas.")
  java.nio.file.Path plot;

  @Unmatched List<String> options = new ArrayList<>();

  static String optionHelp() {
    StringBuilder b = new StringBuilder();
    for (SimulationSettings.Option o : SimulationSettings.options()) {
      b.append(String.format("  --%-24s %s (default %s)%n", o.name(), o.doc(), o.defaultValue()));
    }
    return b.toString();
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SimulationSettings s;
    try {
      s = SimulationSettings.parse(options);
    } catch (IllegalArgumentException e) {
      err.println("muster simulate: " + e.getMessage());
      err.println(optionHelp());
      err.flush();
      return Main.USAGE;
    }
    if (trace) {
      for (Strategy st : s.strategies()) {
        out.println("== " + st.label() + " run 0 (seed " + s.seed() + ")");
        Simulator.trace(s, st, 0).forEach(out::println);
      }
      out.flush();
      return Main.OK;
    }
    SimulationReport report = Simulator.run(s, ProgressLine.forStderr(err));
    out.println(output == OutputFormat.json ? report.toJson() : report.toText(allFailures));
    out.flush();
    if (plot != null) {
      try {
        java.nio.file.Files.writeString(plot, Simulator.plot(report));
      } catch (java.io.IOException e) {
        err.println("muster simulate: cannot write --plot " + plot + ": " + e.getMessage());
        err.flush();
        return Main.FAILED;
      }
      err.println("muster simulate: wrote " + plot);
      err.flush();
    }
    return report.failed(Strategy.MUSTER) ? Main.FAILED : Main.OK;
  }
}
