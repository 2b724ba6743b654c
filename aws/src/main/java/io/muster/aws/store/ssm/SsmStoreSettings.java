package io.muster.aws.store.ssm;

import io.muster.config.ConfigException;
import io.muster.config.Settings;
import java.util.Locale;

/**
 * Validated settings of the SSM Parameter Store store.
 *
 * @param prefix parameter path prefix, starting with '/', no trailing '/': {@code /muster}
 * @param kmsKeyId KMS key (id, ARN or alias) for SecureString credentials, or null for the
 *     account's default key {@code alias/aws/ssm}
 */
public record SsmStoreSettings(String prefix, String kmsKeyId) {
  public SsmStoreSettings {
    if (!validPrefix(prefix)) {
      throw new IllegalArgumentException("invalid SSM prefix: " + prefix);
    }
    if (kmsKeyId != null && kmsKeyId.isBlank()) {
      kmsKeyId = null;
    }
  }

  static boolean validPrefix(String p) {
    if (p == null || !p.matches("(/[A-Za-z0-9_.-]+)+")) {
      return false;
    }
    // SSM reserves names that begin with aws or ssm (any case).
    String first = p.substring(1).toLowerCase(Locale.ROOT);
    return !first.startsWith("aws") && !first.startsWith("ssm");
  }

  public static SsmStoreSettings from(Settings settings) {
    String raw = settings.string(SsmCredentialStoreProvider.PREFIX, "give a parameter path");
    String p = raw.trim();
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (!validPrefix(p)) {
      throw ConfigException.invalid(
          SsmCredentialStoreProvider.PREFIX,
          raw,
          settings.source(SsmCredentialStoreProvider.PREFIX),
          "not a usable parameter path",
          "Use a path such as /muster or /prod/muster: '/'-separated letters, digits, '.', '_',"
              + " '-', not beginning with aws or ssm");
    }
    return new SsmStoreSettings(
        p, settings.optionalString(SsmCredentialStoreProvider.KMS_KEY_ID).orElse(null));
  }
}
