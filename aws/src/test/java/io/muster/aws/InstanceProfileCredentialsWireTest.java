package io.muster.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.testing.FakeAutoScaling;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeAwsQueryServer.Request;
import io.muster.testing.FakeEc2;
import io.muster.testing.FakeImds;
import io.muster.testing.FakeImds.RoleCredentials;
import io.muster.testing.NetworkGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no credentials anywhere else, the SDK's credentials come from the instance profile at {@code
 * node.imds-endpoint} (a loopback IMDSv2 fake), never from 169.254.169.254: calls to a loopback EC2
 * are signed with the fake's temporary credentials, and the test network guard refused nothing (a
 * chain that asked the SDK's own metadata address would be refused, and fail this test).
 */
class InstanceProfileCredentialsWireTest {
  private static final String ROLE = "muster-node";
  private static final RoleCredentials ROLE_CREDENTIALS =
      RoleCredentials.random("ASIAFAKEIMDSROLE0001");

  /** The profile-file locations the SDK reads, pointed at empty files for the test's duration. */
  private static final List<String> PROFILE_PROPERTIES =
      List.of("aws.sharedCredentialsFile", "aws.configFile");

  @TempDir Path dir;

  private final Map<String, String> savedProperties = new java.util.HashMap<>();
  private FakeImds imds;
  private FakeAwsQueryServer aws;
  private AwsClients clients;

  @BeforeEach
  void start() throws Exception {
    assertNoOtherCredentialSource();
    for (String p : PROFILE_PROPERTIES) {
      savedProperties.put(p, System.getProperty(p));
      Path empty = Files.createFile(dir.resolve(p));
      System.setProperty(p, empty.toString());
    }
    imds = FakeImds.start().typicalInstance().instanceProfile(ROLE, ROLE_CREDENTIALS);
    aws = FakeAwsQueryServer.start();
    new FakeEc2(aws);
    new FakeAutoScaling(aws);
  }

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.close();
    }
    aws.close();
    imds.close();
    savedProperties.forEach(
        (p, v) -> {
          if (v == null) {
            System.clearProperty(p);
          } else {
            System.setProperty(p, v);
          }
        });
  }

  private AwsClients clients(String imdsEndpoint) {
    Settings settings =
        Settings.empty()
            .with(CoreKeys.NODE_REGION, "eu-west-1")
            .with(AwsKeys.ENDPOINT_URL, aws.endpoint().toString())
            .with(AwsKeys.IMDS_ENDPOINT, imdsEndpoint);
    clients =
        AwsClients.fromSettings(
            settings,
            () -> {
              throw new AssertionError("the region is given; the node identity is not needed");
            });
    return clients;
  }

  @Test
  void callsAreSignedWithTheInstanceProfileServedAtNodeImdsEndpoint() {
    clients(imds.endpoint()).ec2().describeInstances();

    Request call = aws.requests(FakeEc2.ACTION).get(0);
    assertThat(call.authorization())
        .as("SigV4 names the access key it signed with")
        .contains("Credential=" + ROLE_CREDENTIALS.accessKeyId() + "/");
    assertThat(call.securityToken())
        .as("temporary credentials carry their session token")
        .isEqualTo(ROLE_CREDENTIALS.token());
    assertThat(imds.calls())
        .extracting(FakeImds.Call::method, FakeImds.Call::path)
        .containsSubsequence(
            org.assertj.core.groups.Tuple.tuple("PUT", "/latest/api/token"),
            org.assertj.core.groups.Tuple.tuple(
                "GET", "/latest/meta-data/" + FakeImds.CREDENTIALS_PATH),
            org.assertj.core.groups.Tuple.tuple(
                "GET", "/latest/meta-data/" + FakeImds.CREDENTIALS_PATH + ROLE));
    assertThat(imds.calls())
        .filteredOn(c -> c.method().equals("GET"))
        .allSatisfy(c -> assertThat(c.token()).as("IMDSv2: every GET has a token").isNotNull());
    assertNothingElseWasContacted();
  }

  @Test
  void everyClientSharesOneChainSoCredentialsAreFetchedOnce() {
    AwsClients c = clients(imds.endpoint() + "/"); // a trailing slash works too
    c.ec2().describeInstances();
    c.autoScaling().describeAutoScalingGroups();

    assertThat(aws.requests())
        .extracting(Request::authorization)
        .allSatisfy(a -> assertThat(a).contains("Credential=" + ROLE_CREDENTIALS.accessKeyId()));
    assertThat(imds.calls())
        .filteredOn(c2 -> c2.path().endsWith(FakeImds.CREDENTIALS_PATH + ROLE))
        .hasSize(1);
    assertNothingElseWasContacted();
  }

  private static void assertNothingElseWasContacted() {
    assertThat(NetworkGuard.isInstalled())
        .as("the guard that refuses every address but loopback watches this JVM")
        .isTrue();
    assertThat(NetworkGuard.takeRefusals()).as("connections refused by the guard").isEmpty();
  }

  /** Any of these would answer before the instance-profile link and prove nothing. */
  private static void assertNoOtherCredentialSource() {
    assertThat(System.getProperty("aws.accessKeyId")).as("aws.accessKeyId").isNull();
    for (String env :
        List.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_EC2_METADATA_DISABLED")) {
      assertThat(System.getenv(env)).as("environment variable " + env).isNull();
    }
  }
}
