package io.muster.aws.store.secretsmanager;

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
 * {@code secretsmanager}: AWS Secrets Manager. Formation claims are CreateSecret (which fails with
 * ResourceExistsException if the name is taken: atomic create-if-absent).
 */
public final class SecretsManagerCredentialStoreProvider implements CredentialStoreProvider {
  public static final Key PREFIX =
      Key.of(
          "store.secretsmanager.prefix",
          Key.Kind.STRING,
          "muster",
          "Secret name prefix; secrets are <prefix>/<cluster>/formation|credentials|members/...");
  public static final Key KMS_KEY_ID =
      Key.of(
          "store.secretsmanager.kms-key-id",
          Key.Kind.STRING,
          null,
          "KMS key (id, ARN or alias) encrypting the secrets muster creates; default: the"
              + " account's aws/secretsmanager key.");

  static final List<String> ACTIONS =
      List.of(
          "secretsmanager:CreateSecret",
          "secretsmanager:GetSecretValue",
          "secretsmanager:PutSecretValue",
          "secretsmanager:ListSecrets",
          "secretsmanager:DeleteSecret",
          "secretsmanager:RestoreSecret");

  @Override
  public String name() {
    return "secretsmanager";
  }

  @Override
  public String section() {
    return "Store: secretsmanager";
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
    if (SecretsManagerStoreSettings.from(settings).kmsKeyId() == null) {
      return ACTIONS;
    }
    List<String> all = new ArrayList<>(ACTIONS);
    all.add("kms:GenerateDataKey");
    all.add("kms:Decrypt");
    return List.copyOf(all);
  }

  /** The cluster's own path (a policy for one cluster cannot touch another's), and its KMS key. */
  @Override
  public List<IamGrant> iamGrants(Settings settings, String cluster) {
    SecretsManagerStoreSettings s = SecretsManagerStoreSettings.from(settings);
    IamGrant own =
        new IamGrant(
            ACTIONS, "arn:aws:secretsmanager:*:*:secret:" + s.prefix() + "/" + cluster + "/*");
    if (s.kmsKeyId() == null) {
      return List.of(own);
    }
    return List.of(
        own, KmsKeyGrant.of(List.of("kms:GenerateDataKey", "kms:Decrypt"), s.kmsKeyId()));
  }

  @Override
  public CredentialStore create(String cluster, PluginContext context) {
    StoreLayout.checkCluster(cluster, context.settings());
    SecretsManagerStoreSettings s = SecretsManagerStoreSettings.from(context.settings());
    return new SecretsManagerCredentialStore(
        () -> AwsClients.of(context).secretsManager(), s.prefix() + "/" + cluster, s.kmsKeyId());
  }
}
