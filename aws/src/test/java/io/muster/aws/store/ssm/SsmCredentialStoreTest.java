package io.muster.aws.store.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.AwsClients;
import io.muster.aws.testing.AwsTestEndpoint;
import io.muster.config.ConfigException;
import io.muster.config.Settings;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.CredentialStoreContract;
import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.credentials.StoreException;
import io.muster.plugin.PluginContext;
import io.muster.plugin.TestContexts;
import io.muster.testing.FakeAwsJsonServer.Call;
import io.muster.testing.FakeSsmServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ssm store against a loopback fake speaking the real SSM JSON 1.1 protocol. */
class SsmCredentialStoreTest extends CredentialStoreContract {
  private static FakeSsmServer fake;
  private static AwsTestEndpoint aws;
  private static int clusters;

  @BeforeAll
  static void start() {
    fake = new FakeSsmServer();
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
  }

  @Override
  protected CredentialStore store(String cluster) {
    return store(cluster, Settings.empty());
  }

  private static CredentialStore store(String cluster, Settings settings) {
    return new SsmCredentialStoreProvider().create(cluster, aws.context(settings));
  }

  /** A cluster name no other test used, since the fake lives for the whole class. */
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
    List<Call> puts = fake.calls("PutParameter");
    assertThat(puts).hasSize(2);
    assertThat(puts)
        .allSatisfy(
            p -> {
              assertThat(p.body().get("Overwrite").asBoolean()).isFalse();
              assertThat(p.body().get("Type").asText()).isEqualTo("String");
              assertThat(p.body().get("Name").asText()).isEqualTo("/muster/" + c + "/formation/1");
            });
    assertThat(fake.param("/muster/" + c + "/formation/1").version()).isEqualTo(1);
  }

  @Test
  void racingClaimsThroughTheApiHaveExactlyOneWinner() throws Exception {
    String c = fresh("race");
    int threads = 6;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    Set<String> winners = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String owner = "i-" + t;
        CredentialStore s = store(c);
        fs.add(
            pool.submit(
                () -> {
                  barrier.await(30, TimeUnit.SECONDS);
                  if (s.claimFormation(formation(c, 1, owner))) {
                    winners.add(owner);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(winners).hasSize(1);
    assertThat(store(c).currentFormation().orElseThrow().ownerInstanceId())
        .isEqualTo(winners.iterator().next());
  }

  @Test
  void credentialsAreASecureStringWithTheConfiguredKeyAndAreReadWithDecryption() throws Exception {
    String c = fresh("kms");
    CredentialStore s =
        store(
            c,
            Settings.empty()
                .with(SsmCredentialStoreProvider.KMS_KEY_ID, "alias/muster")
                .with(SsmCredentialStoreProvider.PREFIX, "/prod/muster/"));
    Credentials creds = new Credentials(Map.of("erlang-cookie", Secret.of("c00kie")));
    s.putCredentials(3, creds);
    String name = "/prod/muster/" + c + "/credentials/3";
    FakeSsmServer.Param p = fake.param(name);
    assertThat(p.type()).isEqualTo("SecureString");
    assertThat(p.keyId()).isEqualTo("alias/muster");
    Call put = fake.calls("PutParameter").get(0);
    assertThat(put.body().get("Overwrite").asBoolean()).isTrue();
    assertThat(put.body().get("KeyId").asText()).isEqualTo("alias/muster");

    assertThat(s.credentials(3)).contains(creds);
    Call get = fake.calls("GetParameter").get(0);
    assertThat(get.body().get("Name").asText()).isEqualTo(name);
    assertThat(get.body().get("WithDecryption").asBoolean()).isTrue();
    assertThat(s.describe()).isEqualTo("ssm:/prod/muster/" + c + "/");
  }

  @Test
  void withoutAKmsKeyTheAccountDefaultKeyIsUsed() throws Exception {
    String c = fresh("nokms");
    store(c).putCredentials(1, new Credentials(Map.of("k", Secret.of("v"))));
    Call put = fake.calls("PutParameter").get(0);
    assertThat(put.body().get("Type").asText()).isEqualTo("SecureString");
    assertThat(put.body().has("KeyId")).isFalse();
    assertThat(fake.param("/muster/" + c + "/credentials/1").keyId()).isEqualTo("alias/aws/ssm");
  }

  @Test
  void membersArePagedThroughTenAtATime() throws Exception {
    String c = fresh("many");
    CredentialStore s = store(c);
    for (int i = 0; i < 23; i++) {
      s.registerMember(member(String.format("i-%02d", i), "10.0.1." + i, 1));
    }
    fake.clearCalls();
    assertThat(s.members()).hasSize(23).extracting(m -> m.instanceId()).first().isEqualTo("i-00");
    List<Call> pages = fake.calls("GetParametersByPath");
    assertThat(pages).hasSize(3);
    assertThat(pages)
        .allSatisfy(
            p -> {
              assertThat(p.body().get("MaxResults").asInt()).isLessThanOrEqualTo(10);
              assertThat(p.body().get("Path").asText()).isEqualTo("/muster/" + c + "/members");
              assertThat(p.body().get("Recursive").asBoolean()).isTrue();
            });
    assertThat(pages.get(0).body().has("NextToken")).isFalse();
    assertThat(pages.get(1).body().get("NextToken").asText()).isNotEmpty();
    assertThat(pages.get(2).body().get("NextToken").asText()).isNotEmpty();
  }

  @Test
  void formationGenerationsArePagedToo() throws Exception {
    String c = fresh("gens");
    CredentialStore s = store(c);
    for (long g = 1; g <= 12; g++) {
      s.claimFormation(formation(c, g, "i-" + g));
    }
    assertThat(s.currentFormation().orElseThrow().generation()).isEqualTo(12);
  }

  @Test
  void aDeniedCallNamesTheMissingIamAction() {
    String c = fresh("denied");
    CredentialStore s = store(c);
    fake.deny("PutParameter");
    assertThatThrownBy(() -> s.claimFormation(formation(c, 1, "i-a")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("ssm:PutParameter was denied (AccessDeniedException)")
        .hasMessageContaining("muster iam-policy")
        .hasMessageContaining("/muster/" + c + "/formation/1")
        .matches(e -> ((StoreException) e).permanent(), "permanent: no retry can fix a denial");
    fake.deny("GetParametersByPath");
    assertThatThrownBy(s::members).hasMessageContaining("ssm:GetParametersByPath was denied");
    fake.deny("GetParameter");
    assertThatThrownBy(() -> s.credentials(1)).hasMessageContaining("ssm:GetParameter was denied");
    fake.deny("DeleteParameter");
    assertThatThrownBy(() -> s.deregisterMember("i-a"))
        .hasMessageContaining("ssm:DeleteParameter was denied");
  }

  @Test
  void aThrottledCallSaysSoForTheAgentsMetricsAndADeniedOneDoesNot() {
    String c = fresh("throttled");
    CredentialStore s = store(c);
    fake.throttle("GetParametersByPath");
    assertThatThrownBy(s::members)
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.throttled()).as("throttled").isTrue())
        .hasMessageContaining("ssm:GetParametersByPath was throttled (ThrottlingException)");
    fake.allowAll();
    fake.deny("GetParametersByPath");
    assertThatThrownBy(s::members)
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.throttled()).as("throttled").isFalse());
  }

  @Test
  void theFoundersRecordAndTheCredentialsAreOneGetParametersRequestWithDecryption()
      throws Exception {
    String c = fresh("together");
    CredentialStore s = store(c);
    s.registerMember(member("i-f", "10.0.0.3", 1));
    s.putCredentials(1, new Credentials(Map.of("erlang-cookie", Secret.of("c1"))));
    fake.clearCalls();
    var read = s.memberAndCredentials("i-f", 1);
    assertThat(read.member()).contains(member("i-f", "10.0.0.3", 1));
    assertThat(read.credentials().orElseThrow().get("erlang-cookie").orElseThrow().reveal())
        .isEqualTo("c1");
    assertThat(fake.calls()).extracting(Call::action).containsExactly("GetParameters");
    Call get = fake.calls().get(0);
    assertThat(get.body().get("WithDecryption").asBoolean()).isTrue();
    assertThat(get.body().get("Names"))
        .extracting(n -> n.asText())
        .containsExactly("/muster/" + c + "/members/i-f", "/muster/" + c + "/credentials/1");
    fake.deny("GetParameters");
    assertThatThrownBy(() -> s.memberAndCredentials("i-f", 1))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("ssm:GetParameters")
        .hasMessageNotContaining("c1");
  }

  @Test
  void aGenerationItsCredentialsAndTheFleetSizeAreOneGetParametersRequest() throws Exception {
    String c = fresh("watch");
    CredentialStore s = store(c);
    fake.clearCalls();
    var none = s.formationAndCredentials(1);
    assertThat(none.formation()).isEmpty();
    assertThat(none.credentials()).isEmpty();
    assertThat(none.fleetSize()).isEmpty();
    s.putFleetSize(640);
    s.claimFormation(formation(c, 1, "i-f"));
    s.putCredentials(1, new Credentials(Map.of("erlang-cookie", Secret.of("c1"))));
    fake.clearCalls();
    var read = s.formationAndCredentials(1);
    assertThat(read.formation()).contains(formation(c, 1, "i-f"));
    assertThat(read.credentials().orElseThrow().get("erlang-cookie").orElseThrow().reveal())
        .isEqualTo("c1");
    assertThat(read.fleetSize()).hasValue(640);
    assertThat(fake.calls()).extracting(Call::action).containsExactly("GetParameters");
    Call get = fake.calls().get(0);
    assertThat(get.body().get("WithDecryption").asBoolean()).isTrue();
    assertThat(get.body().get("Names"))
        .extracting(n -> n.asText())
        .containsExactly(
            "/muster/" + c + "/formation/1",
            "/muster/" + c + "/credentials/1",
            "/muster/" + c + "/formation/fleet");
    // Beside the formation records: their one listing brings it, and it is no generation.
    fake.clearCalls();
    var current = s.currentFormationAndFleetSize();
    assertThat(current.formation()).contains(formation(c, 1, "i-f"));
    assertThat(current.fleetSize()).hasValue(640);
    assertThat(current.credentials()).isEmpty();
    assertThat(fake.calls()).extracting(Call::action).containsExactly("GetParametersByPath");
    // The hint is a plain String, overwritten; a newer generation is not looked for.
    s.putFleetSize(1000);
    assertThat(s.formationAndCredentials(1).fleetSize()).hasValue(1000);
    assertThat(s.formationAndCredentials(2).formation()).isEmpty();
    assertThat(
            fake.calls("PutParameter")
                .get(fake.calls("PutParameter").size() - 1)
                .body()
                .get("Type")
                .asText())
        .isEqualTo("String");
  }

  @Test
  void iamActionsAddKmsOnlyWithACustomerKey() {
    SsmCredentialStoreProvider p = new SsmCredentialStoreProvider();
    assertThat(p.iamActions())
        .containsExactly(
            "ssm:GetParameter",
            "ssm:GetParameters",
            "ssm:GetParametersByPath",
            "ssm:PutParameter",
            "ssm:DeleteParameter");
    assertThat(p.iamActions(Settings.empty())).isEqualTo(p.iamActions());
    assertThat(
            p.iamActions(
                Settings.empty().with(SsmCredentialStoreProvider.KMS_KEY_ID, "alias/muster")))
        .contains("kms:Encrypt", "kms:Decrypt");
  }

  @Test
  void aReservedOrMalformedPrefixIsAConfigError() {
    for (String bad : new String[] {"/aws/muster", "muster", "/a//b", "/ssm"}) {
      assertThatThrownBy(
              () -> store("x", Settings.empty().with(SsmCredentialStoreProvider.PREFIX, bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("store.ssm.prefix='" + bad + "'");
    }
  }

  @Test
  void creatingTheStoreDoesNotBuildAwsClients() {
    PluginContext context = TestContexts.withoutIdentity(Settings.empty());
    new SsmCredentialStoreProvider().create("lazy", context);
    assertThat(context.shared().holds(AwsClients.class)).as("built AWS clients").isFalse();
  }
}
