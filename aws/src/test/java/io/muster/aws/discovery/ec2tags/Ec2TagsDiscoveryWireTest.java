package io.muster.aws.discovery.ec2tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.AwsClients;
import io.muster.aws.testing.AwsTestContexts;
import io.muster.config.Settings;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import io.muster.testing.DummyAwsCredentials;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeAwsQueryServer.Request;
import io.muster.testing.FakeEc2;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ec2-tags provider through the real AWS SDK against a loopback Query-protocol endpoint. */
class Ec2TagsDiscoveryWireTest {
  private static final String VPC = "vpc-0123456789abcdef0";
  private static final String OTHER_VPC = "vpc-0fedcba9876543210";
  private static final String SUBNET_A = "subnet-0aaaaaaaaaaaaaaa1";
  private static final String SUBNET_B = "subnet-0bbbbbbbbbbbbbbb2";
  private static final String SUBNET_C = "subnet-0ccccccccccccccc3";

  private static DummyAwsCredentials credentials;

  private FakeAwsQueryServer server;
  private FakeEc2 ec2;
  private AwsClients clients;

  @BeforeAll
  static void dummyCredentials() {
    credentials = DummyAwsCredentials.install();
  }

  @AfterAll
  static void restoreCredentials() {
    credentials.close();
  }

  @BeforeEach
  void start() throws Exception {
    server = FakeAwsQueryServer.start();
    ec2 = new FakeEc2(server);
    clients = new AwsClients("eu-west-1", server.endpoint(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    clients.close();
    server.close();
  }

  private Discovery discovery(Settings settings) {
    return new Ec2TagsDiscoveryProvider()
        .create(AwsTestContexts.withoutIdentity(settings, clients));
  }

  private static String id(int n) {
    return String.format("i-%017x", n);
  }

  private static Settings webProd() {
    return Settings.empty()
        .with(Ec2TagsDiscoveryProvider.TAGS, "cluster=web", "env=prod")
        .with(Ec2TagsDiscoveryProvider.VPC_ID, VPC)
        .with(Ec2TagsDiscoveryProvider.SUBNET_IDS, SUBNET_A + "," + SUBNET_B);
  }

  @Test
  void sendsEveryFilterOnEveryPageAndReturnsEachMatchOnce() throws Exception {
    Set<String> expected = new LinkedHashSet<>();
    for (int n = 0; n < 200; n++) {
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put("cluster", n % 7 == 1 ? "web-old" : "web");
      if (n % 11 != 2) {
        tags.put("env", "prod");
      }
      String state = n % 13 == 3 ? "stopped" : "running";
      String vpc = n % 17 == 4 ? OTHER_VPC : VPC;
      String subnet = n % 19 == 5 ? SUBNET_C : (n % 2 == 0 ? SUBNET_A : SUBNET_B);
      ec2.add(
          FakeEc2.Instance.running(id(n), "10.2." + (n / 200) + "." + (n % 200 + 1))
              .withState(state)
              .withTags(tags)
              .withNetwork(vpc, subnet)
              // two instances per reservation, as one RunInstances call of count 2
              .withReservation("r-" + (n / 2)));
      boolean match =
          tags.get("cluster").equals("web")
              && "prod".equals(tags.get("env"))
              && state.equals("running")
              && vpc.equals(VPC)
              && !subnet.equals(SUBNET_C);
      if (match) {
        expected.add(id(n));
      }
    }
    ec2.pageSize(30);

    List<Peer> peers = discovery(webProd()).discover();

    List<String> ids = peers.stream().map(Peer::instanceId).toList();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).isEqualTo(expected);
    assertThat(expected).hasSizeBetween(90, 140);

    List<Request> calls = server.requests(FakeEc2.ACTION);
    assertThat(calls).hasSizeGreaterThanOrEqualTo(3);
    assertThat(calls.get(0).param("NextToken")).isNull();
    for (Request r : calls) {
      assertThat(r.filters())
          .containsExactly(
              Map.entry("tag:cluster", List.of("web")),
              Map.entry("tag:env", List.of("prod")),
              Map.entry("instance-state-name", List.of("running")),
              Map.entry("vpc-id", List.of(VPC)),
              Map.entry("subnet-id", List.of(SUBNET_A, SUBNET_B)));
      assertThat(r.param("MaxResults")).isEqualTo("1000");
      assertThat(r.indexed("InstanceId.")).isEmpty();
    }
    assertThat(calls.subList(1, calls.size()))
        .allSatisfy(r -> assertThat(r.param("NextToken")).isNotBlank());
  }

  @Test
  void wildcardTagValuesArePassedThroughToEc2() throws Exception {
    ec2.add(FakeEc2.Instance.running(id(1), "10.2.0.1").withTags(Map.of("role", "web-1")));
    ec2.add(FakeEc2.Instance.running(id(2), "10.2.0.2").withTags(Map.of("role", "db-1")));

    List<Peer> peers =
        discovery(Settings.empty().with(Ec2TagsDiscoveryProvider.TAGS, "role=web-*")).discover();

    assertThat(peers).extracting(Peer::instanceId).containsExactly(id(1));
    assertThat(server.requests(FakeEc2.ACTION).get(0).filters())
        .containsExactly(
            Map.entry("tag:role", List.of("web-*")),
            Map.entry("instance-state-name", List.of("running")));
  }

  @Test
  void unauthorizedOperationNamesTheMissingIamAction() {
    ec2.deny();

    Discovery d = discovery(webProd());

    assertThatThrownBy(d::discover)
        .isInstanceOf(DiscoveryException.class)
        .hasMessageContaining("ec2:DescribeInstances was denied (UnauthorizedOperation)")
        .hasMessageContaining("add \"ec2:DescribeInstances\" to the instance role's policy");
  }

  @Test
  void noMatchIsAnEmptyViewWhoseDescriptionNamesTheFilters() throws Exception {
    ec2.add(FakeEc2.Instance.running(id(1), "10.2.0.1").withTags(Map.of("cluster", "Web")));

    Discovery d = discovery(webProd());

    assertThat(d.discover()).isEmpty();
    assertThat(d.describe())
        .isEqualTo(
            "EC2 running instances with tag cluster=web and tag env=prod in "
                + VPC
                + " in "
                + SUBNET_A
                + " or "
                + SUBNET_B);
  }
}
