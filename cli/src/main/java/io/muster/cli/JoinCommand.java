package io.muster.cli;

import io.muster.adapter.ClusterAdapter;
import io.muster.agent.NodeContext;
import io.muster.agent.Wiring;
import io.muster.agent.logging.Logging;
import io.muster.bootstrap.JoinFlow;
import io.muster.bootstrap.JoinLoop;
import io.muster.bootstrap.Membership;
import io.muster.bootstrap.StepResult;
import io.muster.config.Durations;
import io.muster.election.Decision;
import io.muster.model.Peer;
import io.muster.time.Sleeper;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
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
    w.preflight();
    if (!dryRun) {
      w.removeStaleHandoffFiles();
    }
    ClusterAdapter adapter = w.clusterAdapter(w.adapter());
    JoinFlow flow = w.flow(w.discovery(), w.store(), adapter, w.state());
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      Optional<Membership> member =
          w.state().membership().filter(m -> m.cluster().equals(w.bootstrap().cluster()));
      if (member.isPresent()) {
        // S3: on a member, join verifies and changes nothing; say so rather than plan a join.
        Membership m = member.get();
        out.println("cluster:  " + w.bootstrap().cluster());
        out.println(
            "self:     " + ctx.identity().addressText() + " (" + ctx.identity().instanceId() + ")");
        out.println(
            "member:   already a member of generation "
                + m.generation()
                + " ("
                + m.clusterId()
                + ") since "
                + m.since());
        out.println(
            "plan:     verify membership with the adapter; change nothing (a node that is not"
                + " clustered any more rejoins through a live member)");
        out.println("(dry run: nothing was changed)");
        out.flush();
        return Main.OK;
      }
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
    // --timeout bounds everything, a command running at the deadline included.
    ctx.limitUntil(
        ctx.clock().instant().plus(w.timeout()),
        "join.timeout / --timeout " + Durations.format(w.timeout()));
    // SIGTERM/SIGINT: the JVM exits after its hooks; end the running script and its hand-off
    // files first, so neither outlives muster.
    Thread onStop = new Thread(() -> ctx.endRunningCommands(true), "muster-stop");
    Runtime.getRuntime().addShutdownHook(onStop);
    StepResult r;
    try {
      r = new JoinLoop(flow, ctx.clock(), Sleeper.SYSTEM).run(w.timeout());
    } finally {
      removeHook(onStop);
    }
    if (r instanceof StepResult.Done) {
      out.println(r.message());
      out.flush();
      return Main.OK;
    }
    spec.commandLine()
        .getErr()
        .println(Main.errorLine("join failed: " + r.message(), Logging.json()));
    spec.commandLine().getErr().flush();
    return Main.FAILED;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: nothing to remove.
    }
  }
}
