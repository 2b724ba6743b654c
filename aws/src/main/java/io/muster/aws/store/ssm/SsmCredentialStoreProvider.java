package io.muster.aws.store.ssm;

import io.muster.aws.AwsClients;
import io.muster.aws.KmsKeyGrant;
import io.muster.config.Key;
import io.muster.config.Settings;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.CredentialStoreProvider;
import io.muster.credentials.IamGrant;
import io.muster.credentials.StoreLayout;
import io.muster.plugin.PluginContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ssm}: SSM Parameter Store. Formation claims are PutParameter without overwrite (atomic
 * create-if-absent); credentials are SecureString parameters.
 */
public final class SsmCredentialStoreProvider implements CredentialStoreProvider {
  public static final Key PREFIX =
      Key.of(
          "store.ssm.prefix",
          Key.Kind.STRING,
          "/muster",
          "Parameter path prefix; parameters are <prefix>/<cluster>/formation|credentials|members/...");
  public static final Key KMS_KEY_ID =
      Key.of(
          "store.ssm.kms-key-id",
          Key.Kind.STRING,
          null,
          "KMS key (id, ARN or alias) encrypting the SecureString credentials; default: the"
              + " account's alias/aws/ssm.");

  static final List<String> ACTIONS =
      List.of(
          "ssm:GetParameter",
          "ssm:GetParameters",
          "ssm:GetParametersByPath",
          "ssm:PutParameter",
          "ssm:DeleteParameter");

  @Override
  public String name() {
    return "ssm";
  }

  @Override
  public String section() {
    return "Store: ssm";
  }

  @Override
  public List<Key> keys() {
    return List.of(PREFIX, KMS_KEY_ID);
  }

  @Override
  public List<String> iamActions() {
    return ACTIONS;
  }

  /** With a customer-managed key the role also needs to use that key. */
  @Override
  public List<String> iamActions(Settings settings) {
    if (SsmStoreSettings.from(settings).kmsKeyId() == null) {
      return ACTIONS;
    }
    List<String> all = new ArrayList<>(ACTIONS);
    all.add("kms:Encrypt");
    all.add("kms:Decrypt");
    return List.copyOf(all);
  }

  /** The cluster's own path (a policy for one cluster cannot touch another's), and its KMS key. */
  @Override
  public List<IamGrant> iamGrants(Settings settings, String cluster) {
    SsmStoreSettings s = SsmStoreSettings.from(settings);
    IamGrant own =
        new IamGrant(ACTIONS, "arn:aws:ssm:*:*:parameter" + s.prefix() + "/" + cluster + "/*");
    if (s.kmsKeyId() == null) {
      return List.of(own);
    }
    return List.of(own, KmsKeyGrant.of(List.of("kms:Encrypt", "kms:Decrypt"), s.kmsKeyId()));
  }

  @Override
  public CredentialStore create(String cluster, PluginContext context) {
    StoreLayout.checkCluster(cluster, context.settings());
    SsmStoreSettings s = SsmStoreSettings.from(context.settings());
    return new SsmCredentialStore(
        () -> AwsClients.of(context).ssm(), s.prefix() + "/" + cluster, s.kmsKeyId());
  }
}
