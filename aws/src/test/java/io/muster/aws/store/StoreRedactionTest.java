package io.muster.aws.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.muster.aws.store.secretsmanager.SecretsManagerCredentialStoreProvider;
import io.muster.aws.store.ssm.SsmCredentialStoreProvider;
import io.muster.aws.testing.AwsTestEndpoint;
import io.muster.config.Settings;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.Secret;
import io.muster.credentials.SecretFiles;
import io.muster.credentials.StoreException;
import io.muster.credentials.file.FileCredentialStoreProvider;
import io.muster.plugin.TestContexts;
import io.muster.testing.FakeSecretsManagerServer;
import io.muster.testing.FakeSsmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No secret value ever shows in what stores and records print, nor in store errors. */
class StoreRedactionTest {
  private static final String SECRET = "S3CRET-value-never-printed";
  private static final Credentials CREDS =
      new Credentials(Map.of("erlang-cookie", Secret.of(SECRET)));

  private static FakeSsmServer ssm;
  private static FakeSecretsManagerServer sm;
  private static AwsTestEndpoint ssmAws;
  private static AwsTestEndpoint smAws;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    ssm = new FakeSsmServer();
    sm = new FakeSecretsManagerServer();
    ssmAws = new AwsTestEndpoint(ssm.endpoint());
    smAws = new AwsTestEndpoint(sm.endpoint());
  }

  @AfterAll
  static void stop() {
    smAws.close();
    ssmAws.close();
    ssm.close();
    sm.close();
  }

  private List<CredentialStore> stores() {
    return List.of(
        new FileCredentialStoreProvider()
            .create(
                "red",
                TestContexts.withoutIdentity(
                    Settings.empty().with(FileCredentialStoreProvider.DIR, dir.toString()))),
        new SsmCredentialStoreProvider()
            .create(
                "red",
                ssmAws.context(
                    Settings.empty().with(SsmCredentialStoreProvider.KMS_KEY_ID, "alias/k"))),
        new SecretsManagerCredentialStoreProvider().create("red", smAws.context(Settings.empty())));
  }

  @Test
  void storesRecordsAndCredentialsPrintNoSecret() throws Exception {
    FormationRecord f = new FormationRecord("red", 1, "cid", "i-1", "10.0.0.1", Instant.EPOCH);
    MemberRecord m = new MemberRecord("i-1", "10.0.0.1", "h", 1, Instant.EPOCH);
    for (CredentialStore s : stores()) {
      s.claimFormation(f);
      s.registerMember(m);
      s.putCredentials(1, CREDS);
      Credentials back = s.credentials(1).orElseThrow();
      assertThat(back.get("erlang-cookie").orElseThrow().reveal()).isEqualTo(SECRET);
      List<String> printed =
          List.of(
              s.describe(),
              s.toString(),
              back.toString(),
              back.secrets().toString(),
              back.get("erlang-cookie").orElseThrow().toString(),
              String.valueOf(s.credentials(1)),
              String.valueOf(s.currentFormation()),
              s.members().toString(),
              f.toString(),
              m.toString());
      assertThat(printed).allSatisfy(p -> assertThat(p).doesNotContain(SECRET));
      assertThat(back.toString()).isEqualTo("Credentials[erlang-cookie]");
    }
  }

  @Test
  void failedWritesOfCredentialsDoNotQuoteThem() {
    ssm.deny("PutParameter");
    sm.deny("CreateSecret");
    try {
      for (CredentialStore s : stores().subList(1, 3)) {
        Throwable t = catchThrowable(() -> s.putCredentials(2, CREDS));
        assertThat(t).isInstanceOf(StoreException.class);
        assertThat(chainText(t)).doesNotContain(SECRET);
      }
    } finally {
      ssm.allowAll();
      sm.allowAll();
    }
  }

  @Test
  void aCorruptCredentialsFileIsReportedWithoutItsContent() throws Exception {
    CredentialStore file = stores().get(0);
    file.putCredentials(3, CREDS);
    Path f = dir.resolve("red/credentials/3");
    Files.setPosixFilePermissions(f, SecretFiles.OWNER_READ_WRITE);
    Files.writeString(f, "{\"erlang-cookie\": " + SECRET + "}");
    Throwable t = catchThrowable(() -> file.credentials(3));
    assertThat(t).isInstanceOf(StoreException.class).hasMessageContaining(f.toString());
    assertThat(chainText(t)).doesNotContain(SECRET).doesNotContain("S3CRET");
  }

  private static String chainText(Throwable t) {
    List<String> parts = new ArrayList<>();
    for (Throwable c = t; c != null; c = c.getCause()) {
      parts.add(c.toString());
    }
    return String.join(" | ", parts);
  }
}
