package io.muster.aws;

import io.muster.credentials.IamGrant;
import java.util.List;
import java.util.Map;

/**
 * The grant a store's customer-managed KMS key needs. KMS authorizes against the key, never the
 * alias, and the store's own resource (a parameter or secret ARN) does not cover KMS actions: a key
 * id or key ARN becomes the key's ARN; an alias (name or ARN) becomes any key carrying that alias
 * ({@code kms:ResourceAliases}), the form AWS documents for aliases in policies.
 */
public final class KmsKeyGrant {
  private KmsKeyGrant() {}

  /**
   * @param keyId as configured: {@code 1234abcd-...}, {@code mrk-...}, {@code
   *     arn:aws:kms:R:A:key/ID}, {@code alias/NAME} or {@code arn:aws:kms:R:A:alias/NAME}
   */
  public static IamGrant of(List<String> actions, String keyId) {
    if (keyId.startsWith("arn:") && keyId.contains(":key/")) {
      return new IamGrant(actions, keyId);
    }
    int alias = keyId.indexOf("alias/");
    if (alias >= 0) {
      return new IamGrant(
          actions,
          "arn:aws:kms:*:*:key/*",
          Map.of(
              "ForAnyValue:StringEquals", Map.of("kms:ResourceAliases", keyId.substring(alias))));
    }
    return new IamGrant(actions, "arn:aws:kms:*:*:key/" + keyId);
  }
}
