package io.muster.cli;

import io.muster.agent.NodeContext;
import io.muster.discovery.Discovery;
import io.muster.election.ClusterState;
import io.muster.election.Decision;
import io.muster.election.Election;
import io.muster.election.ElectionSettings;
import io.muster.election.Snapshot;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.plugin.Plugins;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Discovers once and shows the ranked view, the seed and what this node would decide. One pass
 * cannot see how long the view has been stable, so the decision assumes the view stays as it is for
 * election.stable-for; the store is not consulted.
 */
@Command(
    name = "peers",
    mixinStandardHelpOptions = true,
    description = {
      "Discover once; print self, the peers ranked, the seed, the decision and why.",
      "Exit 0 when discovery succeeded (even if the decision is to wait), 1 on discovery failure,"
          + " 2 on configuration errors."
    })
final class PeersCommand extends ConfiguredCommand {
  @Option(names = "--output", defaultValue = "text", description = "text or json")
  OutputFormat output;

  @Override
  int run(NodeContext ctx) throws Exception {
    ElectionSettings election = ElectionSettings.from(ctx.settings());
    Discovery discovery = Plugins.discovery().selected(ctx.settings()).create(ctx.plugins());
    NodeIdentity self = ctx.identity();
    List<Peer> view = discovery.discover();
    Decision decision =
        Election.decide(
            new Snapshot(
                self.asPeer(),
                view,
                election.stableFor(),
                ctx.clock().instant(),
                election,
                ClusterState.UNKNOWN));
    PeersReport report = new PeersReport(self, discovery.describe(), view, decision);
    spec.commandLine()
        .getOut()
        .print(output == OutputFormat.json ? report.toJson() + "\n" : report.toText());
    spec.commandLine().getOut().flush();
    return Main.OK;
  }
}
