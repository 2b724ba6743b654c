package io.muster.credentials;

import io.muster.config.Settings;
import io.muster.plugin.Plugin;
import io.muster.plugin.PluginContext;
import java.util.List;

/**
 * A credential store registered by short name (ssm, secretsmanager, file) through {@link
 * java.util.ServiceLoader}; also the catalog of its keys.
 */
public interface CredentialStoreProvider extends Plugin {
  String name();

  /** IAM actions the store calls (empty for file). */
  List<String> iamActions();

  /**
   * IAM actions the store calls with these settings, e.g. KMS actions when a customer-managed key
   * is set. Defaults to {@link #iamActions()}.
   */
  default List<String> iamActions(Settings settings) {
    return iamActions();
  }

  /**
   * What a policy must allow for {@code cluster}'s use of this store with these settings, each
   * grant on the narrowest resource the store knows (its cluster's own path; the KMS key). Defaults
   * to {@link #iamActions(Settings)} on every resource.
   */
  default List<IamGrant> iamGrants(Settings settings, String cluster) {
    List<String> actions = iamActions(settings);
    return actions.isEmpty() ? List.of() : List.of(new IamGrant(actions, "*"));
  }

  CredentialStore create(String cluster, PluginContext context);
}
