package io.muster.cli;

import io.muster.agent.NodeContext;
import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.credentials.CredentialStoreProvider;
import io.muster.credentials.IamGrant;
import io.muster.lifecycle.fleet.FleetControllerKeys;
import io.muster.plugin.Plugins;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code muster iam-policy}: the paste-ready least-privilege policy for this configuration. */
@Command(
    name = "iam-policy",
    mixinStandardHelpOptions = true,
    description =
        "Print the least-privilege IAM policy (JSON) for this configuration's discovery and store.")
final class IamPolicyCommand extends ConfiguredCommand {
  /** Which of muster's commands the role runs. */
  enum Scope {
    /** Everything this configuration sets up: the instance's commands and the fleet controller. */
    all,
    /** An instance's commands (agent, join, leave): discovery, the store, its own hooks. */
    instance,
    /** The fleet controller alone ({@code muster lifecycle}, a management host): no discovery. */
    lifecycle
  }

  @Option(
      names = "--for",
      paramLabel = "SCOPE",
      defaultValue = "all",
      description =
          "Whose policy: all (default: everything this configuration sets up), instance (agent,"
              + " join, leave on a cluster node) or lifecycle (the fleet controller on a management"
              + " host: its queue, lifecycle actions and the store, no discovery).")
  Scope scope;

  @Override
  int run(NodeContext ctx) {
    var s = ctx.settings();
    CredentialStoreProvider store = Plugins.stores().selected(s);
    boolean instance = scope != Scope.lifecycle;
    List<IamPolicy.Statement> controller =
        scope == Scope.instance ? List.of() : FleetControllerPolicy.statements(s);
    if (scope == Scope.lifecycle && controller.isEmpty()) {
      throw ConfigException.missing(
          FleetControllerKeys.QUEUE_URL,
          "iam-policy --for lifecycle is the policy of the fleet controller, which consumes that"
              + " queue");
    }
    // A pure follower (haproxy) never opens the store (agent's Agents.assemble): no store grant.
    // The fleet controller keeps its claims and records in the store, whatever the adapter.
    boolean opensStore =
        (instance && Plugins.adapters().selected(s).joinsClusters()) || !controller.isEmpty();
    if (opensStore
        && !store.iamActions(s).isEmpty()
        && s.optionalString(CoreKeys.CLUSTER_NAME).isEmpty()) {
      // Without it the store statement would cover every cluster's secrets ("*"), which is not
      // least privilege.
      throw ConfigException.missing(
          CoreKeys.CLUSTER_NAME,
          "the policy grants the " + store.name() + " store on this one cluster's entries only");
    }
    String cluster = s.optionalString(CoreKeys.CLUSTER_NAME).orElse("*");
    List<IamPolicy.Statement> statements = new ArrayList<>();
    var discovery = Plugins.discovery().selected(s);
    if (instance) {
      statements.add(new IamPolicy.Statement("MusterDiscovery", discovery.iamActions(), "*"));
    }
    if (opensStore) {
      statements.addAll(storeStatements(store.iamGrants(s, cluster)));
    }
    if (instance) {
      var lifecycle = io.muster.agent.lifecycle.LifecycleSettings.from(s);
      statements.add(
          new IamPolicy.Statement(
              "MusterLifecycleHooks",
              lifecycle.hookIamActions(),
              "arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/"
                  + s.optionalString(CoreKeys.NODE_ASG).orElse("*")));
      statements.add(
          new IamPolicy.Statement("MusterLifecycleDescribe", lifecycle.describeIamActions(), "*"));
    }
    statements.addAll(controller);
    spec.commandLine().getOut().println(new IamPolicy(statements).toJson());
    spec.commandLine().getOut().flush();
    if (statements.stream().allMatch(st -> st.actions().isEmpty())) {
      spec.commandLine()
          .getErr()
          .println(
              "muster: note: discovery "
                  + discovery.name()
                  + " and store "
                  + store.name()
                  + " make no AWS call: this configuration needs no IAM policy");
      spec.commandLine().getErr().flush();
    }
    return Main.OK;
  }

  /** The store's own records first, then its KMS key (when one is configured). */
  static List<IamPolicy.Statement> storeStatements(List<IamGrant> grants) {
    List<IamPolicy.Statement> out = new ArrayList<>();
    for (IamGrant g : grants) {
      String sid = out.isEmpty() ? "MusterCredentialStore" : "MusterCredentialStoreKey";
      if (out.size() > 1) {
        sid += out.size();
      }
      out.add(new IamPolicy.Statement(sid, g.actions(), g.resource(), g.condition()));
    }
    return out;
  }
}
