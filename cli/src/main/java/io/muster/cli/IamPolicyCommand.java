package io.muster.cli;

import io.muster.agent.NodeContext;
import io.muster.aws.store.secretsmanager.SecretsManagerCredentialStoreProvider;
import io.muster.aws.store.ssm.SsmCredentialStoreProvider;
import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.credentials.CredentialStoreProvider;
import io.muster.plugin.Plugins;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code muster iam-policy}: the paste-ready least-privilege policy for this configuration. */
@Command(
    name = "iam-policy",
    mixinStandardHelpOptions = true,
    description =
        "Print the least-privilege IAM policy (JSON) for this configuration's discovery and store.")
final class IamPolicyCommand extends ConfiguredCommand {
  @Override
  int run(NodeContext ctx) {
    var s = ctx.settings();
    CredentialStoreProvider store = Plugins.stores().selected(s);
    if (!store.iamActions(s).isEmpty() && s.optionalString(CoreKeys.CLUSTER_NAME).isEmpty()) {
      // Without it the store statement would cover every cluster's secrets ("*"), which is not
      // least privilege.
      throw ConfigException.missing(
          CoreKeys.CLUSTER_NAME,
          "the policy grants the " + store.name() + " store on this one cluster's entries only");
    }
    String cluster = s.optionalString(CoreKeys.CLUSTER_NAME).orElse("*");
    List<IamPolicy.Statement> statements = new ArrayList<>();
    var discovery = Plugins.discovery().selected(s);
    statements.add(new IamPolicy.Statement("MusterDiscovery", discovery.iamActions(), "*"));
    statements.add(
        new IamPolicy.Statement(
            "MusterCredentialStore", store.iamActions(s), storeResource(store.name(), s, cluster)));
    var lifecycle = io.muster.agent.lifecycle.LifecycleSettings.from(s);
    statements.add(
        new IamPolicy.Statement(
            "MusterLifecycleHooks",
            lifecycle.hookIamActions(),
            "arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/"
                + s.optionalString(CoreKeys.NODE_ASG).orElse("*")));
    statements.add(
        new IamPolicy.Statement("MusterLifecycleDescribe", lifecycle.describeIamActions(), "*"));
    statements.addAll(FleetControllerPolicy.statements(s));
    spec.commandLine().getOut().println(new IamPolicy(statements).toJson());
    spec.commandLine().getOut().flush();
    if (discovery.iamActions().isEmpty() && store.iamActions(s).isEmpty()) {
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

  /** The cluster's own path in the store: a policy for one cluster cannot touch another's. */
  static String storeResource(String store, io.muster.config.Settings s, String cluster) {
    return switch (store) {
      case "ssm" ->
          "arn:aws:ssm:*:*:parameter"
              + s.string(SsmCredentialStoreProvider.PREFIX, "/muster")
              + "/"
              + cluster
              + "/*";
      case "secretsmanager" ->
          "arn:aws:secretsmanager:*:*:secret:"
              + s.string(SecretsManagerCredentialStoreProvider.PREFIX, "muster")
              + "/"
              + cluster
              + "/*";
      default -> "*";
    };
  }
}
