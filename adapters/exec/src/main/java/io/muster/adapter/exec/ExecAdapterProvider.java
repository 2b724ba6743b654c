package io.muster.adapter.exec;

import io.muster.adapter.Adapter;
import io.muster.adapter.AdapterProvider;
import io.muster.config.Constraints;
import io.muster.config.Key;
import io.muster.plugin.PluginContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code exec}: drives any clustered system through operator scripts (form, join, leave, inspect)
 * and tells a script when the membership changes. See docs/adapters/exec.md.
 */
public final class ExecAdapterProvider implements AdapterProvider {
  public static final Key FORM =
      Key.of(
          "adapter.exec.form",
          Key.Kind.LIST,
          null,
          "Command (program and arguments) that makes this node the first member; it may write"
              + " the join secrets as a JSON object to $MUSTER_CREDENTIALS_FILE.");
  public static final Key JOIN =
      Key.of(
          "adapter.exec.join",
          Key.Kind.LIST,
          null,
          "Command that joins this node through a member ($MUSTER_JOIN_ADDRESS); the secrets are in"
              + " $MUSTER_CREDENTIALS_FILE; exit 77 means they were rejected.");
  public static final Key LEAVE =
      Key.of(
          "adapter.exec.leave",
          Key.Kind.LIST,
          null,
          "Command that leaves the cluster ($MUSTER_FORCE=true|false); unset: leaving does"
              + " nothing.");
  public static final Key MEMBERS_CHANGED =
      Key.of(
          "adapter.exec.members-changed",
          Key.Kind.LIST,
          null,
          "Command run with the full membership in $MUSTER_PEERS_JSON whenever it changes; unset:"
              + " nothing runs.");
  public static final Key INSPECT =
      Key.of(
          "adapter.exec.inspect",
          Key.Kind.LIST,
          null,
          "Command that prints 'member' (first line) when this node is a cluster member; unset:"
              + " the node counts as not clustered and verify always passes.");
  public static final Key VERIFY_TARGET =
      Key.of(
          "adapter.exec.verify-target",
          Key.Kind.LIST,
          null,
          "Command run before a join through a member ($MUSTER_JOIN_ADDRESS, cluster id"
              + " $MUSTER_CLUSTER_ID, secrets in $MUSTER_CREDENTIALS_FILE): exit 0 when that node"
              + " proves it is a member of this cluster, anything else refuses it (a new instance"
              + " on a dead member's address). Unset: no check.");
  public static final Key TIMEOUT =
      Key.of("adapter.exec.timeout", Key.Kind.DURATION, "5m", "Kill a script after this long.")
          .constrained(Constraints.between(Duration.ofSeconds(1), Duration.ofHours(24)));

  @Override
  public String name() {
    return "exec";
  }

  @Override
  public String section() {
    return "Adapter: exec";
  }

  @Override
  public List<Key> keys() {
    return List.of(FORM, JOIN, LEAVE, MEMBERS_CHANGED, INSPECT, VERIFY_TARGET, TIMEOUT);
  }

  @Override
  public Adapter create(PluginContext context) {
    return new ExecAdapter(
        ExecSettings.from(context.settings()),
        context.identity(),
        context.processes(),
        Path.of(System.getProperty("java.io.tmpdir")));
  }
}
