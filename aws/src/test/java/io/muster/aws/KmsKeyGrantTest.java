package io.muster.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.credentials.IamGrant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KmsKeyGrantTest {
  static final List<String> ACTIONS = List.of("kms:Decrypt");

  @Test
  void aKeyArnIsTheResource() {
    String arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    assertThat(KmsKeyGrant.of(ACTIONS, arn)).isEqualTo(new IamGrant(ACTIONS, arn));
  }

  @Test
  void aKeyIdIsThatKeyInAnyRegionAndAccount() {
    assertThat(KmsKeyGrant.of(ACTIONS, "mrk-1234abcd").resource())
        .isEqualTo("arn:aws:kms:*:*:key/mrk-1234abcd");
  }

  /** KMS authorizes against the key, so an alias becomes a condition on the key's aliases. */
  @Test
  void anAliasNameOrArnBecomesAResourceAliasesCondition() {
    IamGrant expected =
        new IamGrant(
            ACTIONS,
            "arn:aws:kms:*:*:key/*",
            Map.of("ForAnyValue:StringEquals", Map.of("kms:ResourceAliases", "alias/muster-chat")));
    assertThat(KmsKeyGrant.of(ACTIONS, "alias/muster-chat")).isEqualTo(expected);
    assertThat(KmsKeyGrant.of(ACTIONS, "arn:aws:kms:eu-west-1:123456789012:alias/muster-chat"))
        .isEqualTo(expected);
  }
}
