package io.muster.credentials;

import io.muster.aws.AwsClients;
import io.muster.config.KeyCatalog;
import io.muster.config.Settings;
import java.util.List;
import java.util.function.Supplier;

/**
 * A credential store registered by short name (ssm, secretsmanager, file) through {@link
 * java.util.ServiceLoader}; also the catalog of its keys.
 */
public interface CredentialStoreProvider extends KeyCatalog {
  String name();

  /** IAM actions the store calls (empty for file). */
  List<String> iamActions();

  CredentialStore create(String cluster, Settings settings, Supplier<AwsClients> aws);
}
