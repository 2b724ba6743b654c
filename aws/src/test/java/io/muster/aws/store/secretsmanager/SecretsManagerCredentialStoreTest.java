package io.muster.aws.store.secretsmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.testing.AwsTestEndpoint;
import io.muster.config.ConfigException;
import io.muster.config.Settings;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.CredentialStoreContract;
import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.credentials.StoreException;
import io.muster.testing.FakeAwsJsonServer.Call;
import io.muster.testing.FakeSecretsManagerServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The secretsmanager store against a loopback fake speaking the real JSON 1.1 protocol. */
class SecretsManagerCredentialStoreTest extends CredentialStoreContract {
  private static FakeSecretsManagerServer fake;
  private static AwsTestEndpoint aws;
  private static int clusters;

  @BeforeAll
  static void start() {
    fake = new FakeSecretsManagerServer();
    aws = new AwsTestEndpoint(fake.endpoint());
  }

  @AfterAll
  static void stop() {
    aws.close();
    fake.close();
  }

  @BeforeEach
  void reset() {
    fake.allowAll();
    fake.clearCalls();
    fake.lingerDeletes(false);
  }

  @Override
  protected CredentialStore store(String cluster) {
    return store(cluster, Settings.empty());
  }

  private static CredentialStore store(String cluster, Settings settings) {
    return new SecretsManagerCredentialStoreProvider().create(cluster, aws.context(settings));
  }

  private static String fresh(String base) {
    return base + "-" + (++clusters);
  }

  @Test
  void aLostClaimReturnsFalseAndLeavesTheWinnersRecordIntact() throws Exception {
    String c = fresh("conflict");
    CredentialStore s = store(c);
    assertThat(s.claimFormation(formation(c, 1, "i-winner"))).isTrue();
    assertThat(s.claimFormation(formation(c, 1, "i-loser"))).isFalse();
    assertThat(s.currentFormation()).contains(formation(c, 1, "i-winner"));
    assertThat(fake.calls("CreateSecret")).hasSize(2);
    assertThat(fake.calls("PutSecretValue")).isEmpty(); // a claim never overwrites
    assertThat(fake.secret("muster/" + c + "/formation/1").versions()).isEqualTo(1);
  }

  @Test
  void credentialsAreCreatedWithTheKeyThenRotatedAsNewVersions() throws Exception {
    String c = fresh("creds");
    CredentialStore s =
        store(
            c,
            Settings.empty()
                .with(SecretsManagerCredentialStoreProvider.KMS_KEY_ID, "alias/muster")
                .with(SecretsManagerCredentialStoreProvider.PREFIX, "prod/muster/"));
    Credentials first = new Credentials(Map.of("swarm-worker-token", Secret.of("SWMTKN-1-a")));
    Credentials second = new Credentials(Map.of("swarm-worker-token", Secret.of("SWMTKN-1-b")));
    s.putCredentials(1, first);
    s.putCredentials(1, second);
    String name = "prod/muster/" + c + "/credentials/1";
    assertThat(fake.secret(name).kmsKeyId()).isEqualTo("alias/muster");
    assertThat(fake.secret(name).versions()).isEqualTo(2);
    assertThat(fake.calls("CreateSecret").get(0).body().get("KmsKeyId").asText())
        .isEqualTo("alias/muster");
    assertThat(fake.calls("PutSecretValue")).hasSize(1);
    assertThat(s.credentials(1)).contains(second);
    assertThat(s.describe()).isEqualTo("secretsmanager:prod/muster/" + c + "/");
  }

  @Test
  void listingsFollowNextTokenAndUseANamePrefixFilter() throws Exception {
    String c = fresh("many");
    CredentialStore s = store(c);
    for (int i = 0; i < 105; i++) {
      s.registerMember(member(String.format("i-%03d", i), "10.0.2." + (i % 250), 1));
    }
    fake.clearCalls();
    assertThat(s.members()).hasSize(105);
    List<Call> pages = fake.calls("ListSecrets");
    assertThat(pages).hasSize(2);
    assertThat(pages.get(1).body().get("NextToken").asText()).isNotEmpty();
    assertThat(pages.get(0).body().get("Filters").get(0).get("Values").get(0).asText())
        .isEqualTo("muster/" + c + "/members/");
  }

  @Test
  void deregisterDeletesWithoutRecoveryAndAReturningMemberRestoresTheSecret() throws Exception {
    String c = fresh("return");
    CredentialStore s = store(c);
    fake.lingerDeletes(true); // as on AWS, the name stays "scheduled for deletion" for a while
    s.registerMember(member("i-a", "10.0.0.1", 1));
    s.deregisterMember("i-a");
    assertThat(
            fake.calls("DeleteSecret").get(0).body().get("ForceDeleteWithoutRecovery").asBoolean())
        .isTrue();
    assertThat(s.members()).isEmpty();
    s.registerMember(member("i-a", "10.0.0.9", 2));
    assertThat(fake.calls("RestoreSecret")).hasSize(1);
    assertThat(s.members()).containsExactly(member("i-a", "10.0.0.9", 2));
  }

  @Test
  void aDeniedCallNamesTheMissingIamAction() {
    String c = fresh("denied");
    CredentialStore s = store(c);
    fake.deny("CreateSecret");
    assertThatThrownBy(() -> s.claimFormation(formation(c, 1, "i-a")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("secretsmanager:CreateSecret was denied (AccessDeniedException)")
        .hasMessageContaining("muster/" + c + "/formation/1")
        .matches(e -> ((StoreException) e).permanent(), "permanent: no retry can fix a denial");
    fake.deny("ListSecrets");
    assertThatThrownBy(s::currentFormation)
        .hasMessageContaining("secretsmanager:ListSecrets was denied");
  }

  @Test
  void iamActionsAddKmsOnlyWithACustomerKey() {
    SecretsManagerCredentialStoreProvider p = new SecretsManagerCredentialStoreProvider();
    assertThat(p.iamActions()).allMatch(a -> a.startsWith("secretsmanager:"));
    assertThat(
            p.iamActions(
                Settings.empty()
                    .with(SecretsManagerCredentialStoreProvider.KMS_KEY_ID, "alias/muster")))
        .contains("kms:GenerateDataKey", "kms:Decrypt");
  }

  @Test
  void aMalformedPrefixIsAConfigError() {
    assertThatThrownBy(
            () ->
                store(
                    "x",
                    Settings.empty().with(SecretsManagerCredentialStoreProvider.PREFIX, "/lead")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.secretsmanager.prefix='/lead'");
  }
}
