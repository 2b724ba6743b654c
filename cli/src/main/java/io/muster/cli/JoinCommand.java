package io.muster.cli;

import io.muster.adapter.ClusterAdapter;
import io.muster.agent.NodeContext;
import io.muster.agent.Wiring;
import io.muster.bootstrap.JoinFlow;
import io.muster.bootstrap.JoinLoop;
import io.muster.bootstrap.StepResult;
import io.muster.election.Decision;
import io.muster.model.Peer;
import io.muster.time.Sleeper;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code muster join}: one shot, idempotent. Exit 0 means this node is a verified member. */
@Command(
    name = "join",
    mixinStandardHelpOptions = true,
    description = {
      "Form or join the cluster, then exit. Exit 0: this node is a member (a second run on a member"
          + " verifies and changes nothing); 1: failed, with the reason; 2: configuration error.",
    })
final class JoinCommand extends ConfiguredCommand {
  @Option(
      names = "--dry-run",
      description = "Print the plan (seed, decision, commands, secrets redacted); change nothing.")
  boolean dryRun;

  @Override
  int run(NodeContext ctx) throws Exception {
    Wiring w = new Wiring(ctx);
    w.checkCrossKeyRules();
    ClusterAdapter adapter = w.clusterAdapter(w.adapter());
    JoinFlow flow = w.flow(w.discovery(), w.store(), adapter, w.state());
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      JoinFlow.Preview p = flow.preview();
      out.println("cluster:  " + w.bootstrap().cluster());
      out.println(
          "self:     " + ctx.identity().addressText() + " (" + ctx.identity().instanceId() + ")");
      out.println(
          "view:     "
              + p.ranked().size()
              + " peer(s), seed "
              + (p.ranked().isEmpty() ? "-" : p.ranked().get(0).addressText()));
      out.println(
          "store:    "
              + (p.cluster().formed()
                  ? "generation "
                      + p.cluster().generation()
                      + ", "
                      + p.cluster().liveMembers().size()
                      + " live member(s) in view"
                  : "no cluster formed yet"));
      out.println("decision: " + p.decision().kind() + " (assuming the view stays as it is)");
      out.println("reason:   " + p.decision().reason());
      List<Peer> targets = p.decision() instanceof Decision.Join j ? j.candidates() : List.of();
      out.println("plan:");
      for (String step : adapter.plan(p.decision().kind(), targets)) {
        out.println("  " + step);
      }
      out.println("(dry run: nothing was changed)");
      out.flush();
      return Main.OK;
    }
    StepResult r = new JoinLoop(flow, ctx.clock(), Sleeper.SYSTEM).run(w.timeout());
    if (r instanceof StepResult.Done) {
      out.println(r.message());
      out.flush();
      return Main.OK;
    }
    spec.commandLine().getErr().println("muster: join failed: " + r.message());
    spec.commandLine().getErr().flush();
    return Main.FAILED;
  }
}
