package io.muster.cli;

import io.muster.adapter.ClusterAdapter;
import io.muster.agent.NodeContext;
import io.muster.agent.Wiring;
import io.muster.bootstrap.NodeState;
import io.muster.credentials.CredentialStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code muster leave}: leave the cluster cleanly and forget the membership. */
@Command(
    name = "leave",
    mixinStandardHelpOptions = true,
    description =
        "Leave the cluster: the adapter's leave, then deregister from the store and clear local state.")
final class LeaveCommand extends ConfiguredCommand {
  @Option(
      names = "--force",
      description = "Leave even when the adapter would refuse (e.g. quorum loss).")
  boolean force;

  @Override
  int run(NodeContext ctx) throws Exception {
    Wiring w = new Wiring(ctx);
    ClusterAdapter adapter = w.clusterAdapter(w.adapter());
    CredentialStore store = w.store();
    NodeState state = w.state();
    adapter.leave(force);
    store.deregisterMember(ctx.identity().instanceId());
    state.clearMembership();
    spec.commandLine().getOut().println("left " + w.bootstrap().cluster());
    spec.commandLine().getOut().flush();
    return Main.OK;
  }
}
