package io.muster.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import io.muster.testing.DummyAwsCredentials;
import io.muster.testing.FakeAutoScaling;
import io.muster.testing.FakeAwsJsonServer.Call;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeAwsQueryServer.Request;
import io.muster.testing.FakeAwsQueryServer.Service;
import io.muster.testing.FakeEc2;
import io.muster.testing.FakeSecretsManagerServer;
import io.muster.testing.FakeSsmServer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.AwsServiceClientConfiguration;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.Region;

/**
 * Where each service's calls go: its own {@code aws.<service>.endpoint-url}, else {@code
 * aws.endpoint-url}, else AWS's own endpoint; proven on the wire with one loopback fake per
 * service.
 */
class AwsClientsEndpointsTest {
  /** Nothing listens on the discard port: a call that goes to the shared endpoint fails. */
  private static final String NOWHERE = "http://127.0.0.1:9";

  private static final Supplier<NodeIdentity> NO_IDENTITY =
      () -> {
        throw new AssertionError("the region is given; the node identity is not needed");
      };

  private final List<AutoCloseable> open = new ArrayList<>();
  private DummyAwsCredentials credentials;

  @BeforeEach
  void dummyCredentials() {
    credentials = DummyAwsCredentials.install();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    credentials.close();
  }

  private <T extends AutoCloseable> T open(T c) {
    open.add(0, c);
    return c;
  }

  private AwsClients clients(Settings settings) {
    return open(AwsClients.fromSettings(settings, NO_IDENTITY));
  }

  private static Settings inRegion() {
    return Settings.empty().with(CoreKeys.NODE_REGION, "eu-west-1");
  }

  @Test
  void eachServiceCallsGoToItsOwnEndpoint() throws Exception {
    FakeAwsQueryServer ec2Server = open(FakeAwsQueryServer.start());
    new FakeEc2(ec2Server);
    FakeAwsQueryServer asgServer = open(FakeAwsQueryServer.start());
    new FakeAutoScaling(asgServer);
    FakeSsmServer ssm = open(new FakeSsmServer());
    FakeSecretsManagerServer secrets = open(new FakeSecretsManagerServer());
    AwsClients c =
        clients(
            inRegion()
                .with(AwsKeys.ENDPOINT_URL, NOWHERE)
                .with(AwsService.EC2.endpointUrl(), ec2Server.endpoint().toString())
                .with(AwsService.AUTOSCALING.endpointUrl(), asgServer.endpoint().toString())
                .with(AwsService.SSM.endpointUrl(), ssm.endpoint().toString())
                .with(AwsService.SECRETSMANAGER.endpointUrl(), secrets.endpoint().toString()));

    c.ec2().describeInstances();
    c.autoScaling().describeAutoScalingGroups();
    c.ssm().getParametersByPath(r -> r.path("/muster"));
    c.secretsManager().listSecrets();

    assertThat(ec2Server.requests())
        .extracting(Request::service, Request::action)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Service.EC2, FakeEc2.ACTION));
    assertThat(asgServer.requests())
        .extracting(Request::service, Request::action)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Service.AUTO_SCALING, FakeAutoScaling.ACTION));
    assertThat(ssm.calls()).extracting(Call::action).containsExactly("GetParametersByPath");
    assertThat(secrets.calls()).extracting(Call::action).containsExactly("ListSecrets");
  }

  @Test
  void aServiceWithoutItsOwnKeyFollowsTheSharedEndpoint() throws Exception {
    FakeAwsQueryServer shared = open(FakeAwsQueryServer.start());
    new FakeEc2(shared);
    new FakeAutoScaling(shared);
    FakeAwsQueryServer asgServer = open(FakeAwsQueryServer.start());
    new FakeAutoScaling(asgServer);
    AwsClients c =
        clients(
            inRegion()
                .with(AwsKeys.ENDPOINT_URL, shared.endpoint().toString())
                .with(AwsService.AUTOSCALING.endpointUrl(), asgServer.endpoint().toString()));

    c.ec2().describeInstances();
    c.autoScaling().describeAutoScalingGroups();

    assertThat(shared.requests()).extracting(Request::service).containsExactly(Service.EC2);
    assertThat(asgServer.requests())
        .extracting(Request::service)
        .containsExactly(Service.AUTO_SCALING);
    assertThat(c.endpoint(AwsService.SSM)).contains(shared.endpoint());
    assertThat(c.where(AwsService.AUTOSCALING))
        .isEqualTo("region eu-west-1 at " + asgServer.endpoint());
  }

  @Test
  void withoutAnyEndpointKeyEveryClientUsesAwsOwnEndpoint() {
    AwsClients c = clients(inRegion());
    for (AwsService service : AwsService.values()) {
      assertThat(c.endpoint(service)).as("%s", service).isEmpty();
    }
    for (SdkClient client : everyClient(c)) {
      assertThat(client.serviceClientConfiguration().endpointOverride())
          .as(client.serviceName())
          .isEmpty();
      assertThat(((AwsServiceClientConfiguration) client.serviceClientConfiguration()).region())
          .isEqualTo(Region.EU_WEST_1);
    }
    assertThat(c.where(AwsService.EC2)).isEqualTo("region eu-west-1");
  }

  @Test
  void theBuiltClientsUseTheResolvedEndpoints() {
    AwsClients c =
        clients(
            inRegion()
                .with(AwsKeys.ENDPOINT_URL, "http://127.0.0.1:4566")
                .with(AwsService.SSM.endpointUrl(), "http://127.0.0.1:4583"));
    for (SdkClient client : everyClient(c)) {
      URI expected =
          URI.create(
              client.serviceName().equals(AwsService.SSM.id())
                  ? "http://127.0.0.1:4583"
                  : "http://127.0.0.1:4566");
      assertThat(client.serviceClientConfiguration().endpointOverride())
          .as(client.serviceName())
          .contains(expected);
    }
  }

  /**
   * One endpoint key per service muster has a client for, and none for a service without one: the
   * SDK service names of AwsClients' clients are exactly the services with a key.
   */
  @Test
  void thereIsOneEndpointKeyPerClientAndNoOther() {
    AwsClients c = open(new AwsClients("eu-west-1", (URI) null, Duration.ofSeconds(5)));
    List<String> clientServices = everyClient(c).stream().map(SdkClient::serviceName).toList();
    List<String> keyServices =
        new AwsKeys()
            .keys().stream()
                .map(Key::name)
                .filter(n -> n.matches("aws\\.[a-z0-9]+\\.endpoint-url"))
                .map(n -> n.substring("aws.".length(), n.length() - ".endpoint-url".length()))
                .toList();
    assertThat(keyServices).containsExactlyInAnyOrderElementsOf(clientServices);
    assertThat(Arrays.stream(AwsService.values()).map(AwsService::id))
        .containsExactlyInAnyOrderElementsOf(clientServices);
    // SQS has its client (the fleet controller's queue); SNS has none, so no key.
    assertThat(keyServices).contains("sqs").doesNotContain("sns");
  }

  static Stream<Key> urlKeys() {
    return Stream.concat(
        Stream.of(AwsKeys.ENDPOINT_URL, AwsKeys.IMDS_ENDPOINT),
        Arrays.stream(AwsService.values()).map(AwsService::endpointUrl));
  }

  @ParameterizedTest
  @MethodSource("urlKeys")
  void aValueThatIsNotAUrlIsRefusedNamingTheKeyAndValue(Key key) {
    for (String bad : List.of("127.0.0.1:4566", "not a url", "http://")) {
      assertThatThrownBy(() -> AwsClients.fromSettings(inRegion().with(key, bad), NO_IDENTITY))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key.name() + "='" + bad + "' (from override): not an http(s) URL")
          .hasMessageContaining("Write it like http://");
    }
  }

  @Test
  void everyServiceHasAKeyOperatorsCanSetInTheEnvironment() {
    assertThat(Arrays.stream(AwsService.values()).map(s -> s.endpointUrl().env()))
        .containsExactly(
            "MUSTER_AWS_EC2_ENDPOINT_URL",
            "MUSTER_AWS_AUTOSCALING_ENDPOINT_URL",
            "MUSTER_AWS_SSM_ENDPOINT_URL",
            "MUSTER_AWS_SECRETSMANAGER_ENDPOINT_URL",
            "MUSTER_AWS_SQS_ENDPOINT_URL");
  }

  /** Every client AwsClients offers: its public no-argument methods that return an SDK client. */
  private static List<SdkClient> everyClient(AwsClients c) {
    List<SdkClient> out = new ArrayList<>();
    for (Method m : AwsClients.class.getMethods()) {
      if (m.getParameterCount() == 0
          && !Modifier.isStatic(m.getModifiers())
          && SdkClient.class.isAssignableFrom(m.getReturnType())) {
        try {
          out.add((SdkClient) m.invoke(c));
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(m + " failed", e);
        }
      }
    }
    assertThat(out).as("AwsClients offers clients").isNotEmpty();
    return out;
  }

  @Test
  void endpointsGivenDirectlyAreUsedAsGiven() {
    URI ssm = URI.create("http://127.0.0.1:4583");
    AwsClients c =
        open(
            new AwsClients(
                "eu-west-1",
                Map.of(AwsService.SSM, ssm),
                URI.create("http://127.0.0.1:9"),
                Duration.ofSeconds(5)));
    assertThat(c.endpoint(AwsService.SSM)).contains(ssm);
    assertThat(c.endpoint(AwsService.EC2)).isEmpty();
    assertThat(c.imdsEndpoint()).isEqualTo(URI.create("http://127.0.0.1:9"));
  }
}
