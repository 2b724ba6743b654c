package io.muster.agent;

import io.muster.agent.cli.CliContext;
import io.muster.config.CoreKeys;
import io.muster.credentials.CredentialStoreProvider;
import io.muster.credentials.CredentialStoreProviders;
import io.muster.credentials.secretsmanager.SecretsManagerCredentialStoreProvider;
import io.muster.credentials.ssm.SsmCredentialStoreProvider;
import io.muster.discovery.DiscoveryProviders;
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
  int run(CliContext ctx) {
    var s = ctx.settings();
    String cluster = s.optionalString(CoreKeys.CLUSTER_NAME).orElse("*");
    List<IamPolicy.Statement> statements = new ArrayList<>();
    var discovery = DiscoveryProviders.discover().selected(s);
    statements.add(new IamPolicy.Statement("MusterDiscovery", discovery.iamActions(), "*"));
    CredentialStoreProvider store = CredentialStoreProviders.discover().selected(s);
    statements.add(
        new IamPolicy.Statement(
            "MusterCredentialStore", store.iamActions(s), storeResource(store.name(), s, cluster)));
    spec.commandLine().getOut().println(new IamPolicy(statements).toJson());
    spec.commandLine().getOut().flush();
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
