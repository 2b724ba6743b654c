package io.muster.agent;

import io.muster.agent.cli.CliContext;
import io.muster.config.CoreKeys;
import io.muster.credentials.CredentialStoreProvider;
import io.muster.discovery.DiscoveryProviders;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
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
    String store = s.string(CoreKeys.STORE_PROVIDER, "name a store");
    for (CredentialStoreProvider p : ServiceLoader.load(CredentialStoreProvider.class)) {
      if (p.name().equals(store)) {
        statements.add(
            new IamPolicy.Statement(
                "MusterCredentialStore", p.iamActions(), storeResource(store, cluster)));
      }
    }
    spec.commandLine().getOut().println(new IamPolicy(statements).toJson());
    spec.commandLine().getOut().flush();
    return Main.OK;
  }

  static String storeResource(String store, String cluster) {
    return switch (store) {
      case "ssm" -> "arn:aws:ssm:*:*:parameter/muster/" + cluster + "/*";
      case "secretsmanager" -> "arn:aws:secretsmanager:*:*:secret:muster/" + cluster + "/*";
      default -> "*";
    };
  }
}
