package io.muster.aws.store.secretsmanager;

import io.muster.config.ConfigException;
import io.muster.config.Settings;

/**
 * Validated settings of the Secrets Manager store.
 *
 * @param prefix secret name prefix without leading or trailing '/': {@code muster}
 * @param kmsKeyId KMS key (id, ARN or alias) for new secrets, or null for {@code
 *     aws/secretsmanager}
 */
public record SecretsManagerStoreSettings(String prefix, String kmsKeyId) {
  public SecretsManagerStoreSettings {
    if (!validPrefix(prefix)) {
      throw new IllegalArgumentException("invalid Secrets Manager prefix: " + prefix);
    }
    if (kmsKeyId != null && kmsKeyId.isBlank()) {
      kmsKeyId = null;
    }
  }

  static boolean validPrefix(String p) {
    // Secret names allow letters, digits and /_+=.@-; keep to a subset without empty segments.
    return p != null && p.matches("[A-Za-z0-9_+=.@-]+(/[A-Za-z0-9_+=.@-]+)*");
  }

  public static SecretsManagerStoreSettings from(Settings settings) {
    String raw =
        settings.string(SecretsManagerCredentialStoreProvider.PREFIX, "give a secret name prefix");
    String p = raw.trim();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (!validPrefix(p)) {
      throw ConfigException.invalid(
          SecretsManagerCredentialStoreProvider.PREFIX,
          raw,
          settings.source(SecretsManagerCredentialStoreProvider.PREFIX),
          "not a usable secret name prefix",
          "Use a name such as muster or prod/muster: '/'-separated letters, digits and _+=.@-,"
              + " without a leading '/'");
    }
    return new SecretsManagerStoreSettings(
        p, settings.optionalString(SecretsManagerCredentialStoreProvider.KMS_KEY_ID).orElse(null));
  }
}
