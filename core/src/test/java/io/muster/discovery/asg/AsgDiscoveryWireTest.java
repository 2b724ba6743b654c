package io.muster.discovery.asg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.AwsClients;
import io.muster.config.Settings;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryContext;
import io.muster.discovery.DiscoveryException;
import io.muster.discovery.Peer;
import io.muster.node.NodeIdentity;
import io.muster.testing.DummyAwsCredentials;
import io.muster.testing.FakeAutoScaling;
import io.muster.testing.FakeAutoScaling.Member;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeAwsQueryServer.Request;
import io.muster.testing.FakeEc2;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The asg provider through the real AWS SDK against a loopback endpoint speaking the Query protocol
 * (XML shapes of the AWS API reference). Proves pagination, batching, state filtering and error
 * messages end to end, including the SDK's own marshalling and unmarshalling.
 */
class AsgDiscoveryWireTest {
  /** Every lifecycle state the API reference lists, InService weighted as in a real group. */
  private static final List<String> STATES =
      List.of(
          "InService",
          "InService",
          "InService",
          "InService",
          "Pending",
          "Pending:Wait",
          "Pending:Proceed",
          "Quarantined",
          "InService",
          "Terminating",
          "Terminating:Wait",
          "Terminating:Proceed",
          "Terminated",
          "Detaching",
          "Detached",
          "EnteringStandby",
          "Standby",
          "Warmed:Pending",
          "Warmed:Running",
          "Warmed:Stopped",
          "InService");

  private static DummyAwsCredentials credentials;

  private FakeAwsQueryServer server;
  private FakeAutoScaling asg;
  private FakeEc2 ec2;
  private AwsClients clients;
  private final AtomicInteger identityCalls = new AtomicInteger();

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
    asg = new FakeAutoScaling(server);
    ec2 = new FakeEc2(server);
    clients = new AwsClients("eu-west-1", server.endpoint(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    clients.close();
    server.close();
  }

  private Discovery discovery(Settings settings) {
    NodeIdentity self =
        new NodeIdentity(
            "i-self",
            InetAddress.getLoopbackAddress(),
            null,
            null,
            "eu-west-1a",
            "eu-west-1",
            "own-group");
    return new AsgDiscoveryProvider()
        .create(
            new DiscoveryContext(
                settings,
                () -> {
                  identityCalls.incrementAndGet();
                  return self;
                },
                () -> clients));
  }

  private static String id(int n) {
    return String.format("i-%017x", n);
  }

  private static String ip(int n) {
    return "10.1." + (n / 200) + "." + (n % 200 + 1);
  }

  @Test
  void groupOf1200InMixedStatesYieldsEveryInServiceInstanceOnceWithBatchedDescribeInstances()
      throws Exception {
    List<Member> members = new ArrayList<>();
    Set<String> inService = new LinkedHashSet<>();
    for (int n = 0; n < 1200; n++) {
      String state = STATES.get(n % STATES.size());
      members.add(new Member(id(n), n % 2 == 0 ? "eu-west-1a" : "eu-west-1b", state));
      ec2.add(
          FakeEc2.Instance.running(id(n), ip(n))
              .withAvailabilityZone(n % 2 == 0 ? "eu-west-1a" : "eu-west-1b")
              .withTags(Map.of("Name", "web-" + n, "aws:autoscaling:groupName", "web-prod")));
      if (state.equals("InService")) {
        inService.add(id(n));
      }
    }
    asg.group("web-prod", members)
        .group("other", List.of(new Member(id(5000), "eu-west-1a", "InService")));
    asg.instancesPerPage(400); // 3 pages of the one group
    ec2.pageSize(40); // every batch of 100 ids spans 3 pages

    List<Peer> peers =
        discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web-prod")).discover();

    List<String> ids = peers.stream().map(Peer::instanceId).toList();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).isEqualTo(inService);
    assertThat(inService).hasSizeGreaterThan(300);

    // DescribeAutoScalingGroups: 3 pages, the group named on each, the token of the previous page.
    List<Request> groupCalls = server.requests(FakeAutoScaling.ACTION);
    assertThat(groupCalls).hasSize(3);
    for (Request r : groupCalls) {
      assertThat(r.indexed("AutoScalingGroupNames.member.")).containsExactly("web-prod");
      assertThat(r.param("MaxRecords")).isEqualTo("100");
    }
    assertThat(groupCalls.get(0).param("NextToken")).isNull();
    assertThat(groupCalls.subList(1, 3))
        .allSatisfy(r -> assertThat(r.param("NextToken")).isNotBlank());

    // DescribeInstances: only admitted ids asked for, each in exactly one batch of <= 100, every
    // batch paged (no MaxResults: EC2 refuses it together with ids).
    List<Request> ec2Calls = server.requests(FakeEc2.ACTION);
    List<Request> batchStarts =
        ec2Calls.stream().filter(r -> r.param("NextToken") == null).toList();
    assertThat(batchStarts).hasSize((inService.size() + 99) / 100);
    List<String> asked = new ArrayList<>();
    batchStarts.forEach(r -> asked.addAll(r.indexed("InstanceId.")));
    assertThat(asked).doesNotHaveDuplicates();
    assertThat(new HashSet<>(asked)).isEqualTo(inService);
    assertThat(ec2Calls)
        .allSatisfy(
            r -> {
              assertThat(r.indexed("InstanceId.")).hasSizeBetween(1, 100);
              assertThat(r.param("MaxResults")).isNull();
            });
    assertThat(ec2Calls.size()).isGreaterThanOrEqualTo(3 * batchStarts.size() - 1);

    Peer p = peers.stream().filter(x -> x.instanceId().equals(id(0))).findFirst().orElseThrow();
    assertThat(p.addressText()).isEqualTo("10.1.0.1");
    assertThat(p.hostname()).isEqualTo("ip-10-1-0-1.eu-west-1.compute.internal");
    assertThat(p.availabilityZone()).isEqualTo("eu-west-1a");
    assertThat(p.launchTime()).isEqualTo(Instant.parse("2025-01-02T03:04:05Z"));
    assertThat(p.tags())
        .containsEntry("Name", "web-0")
        .containsEntry("aws:autoscaling:groupName", "web-prod");
    assertThat(identityCalls).hasValue(0); // the group was named, so identity was never asked
  }

  @Test
  void includePendingAdmitsLaunchingInstancesButNeverLeavingOnes() throws Exception {
    List<Member> members = new ArrayList<>();
    for (int n = 0; n < STATES.size(); n++) {
      members.add(new Member(id(n), "eu-west-1a", STATES.get(n)));
      ec2.add(FakeEc2.Instance.running(id(n), ip(n)));
    }
    asg.group("web", members);

    List<Peer> peers =
        discovery(
                Settings.empty()
                    .with(AsgDiscoveryProvider.NAME, "web")
                    .with(AsgDiscoveryProvider.INCLUDE_PENDING, "true"))
            .discover();

    Set<String> states = new HashSet<>();
    for (Peer p : peers) {
      int n = Integer.parseInt(p.instanceId().substring(2), 16);
      states.add(STATES.get(n));
    }
    assertThat(states)
        .containsExactlyInAnyOrder("InService", "Pending", "Pending:Wait", "Pending:Proceed");
    long admitted =
        STATES.stream().filter(s -> s.equals("InService") || s.startsWith("Pending")).count();
    assertThat(peers).hasSize((int) admitted);
  }

  @Test
  void defaultGroupIsThisInstancesOwn() throws Exception {
    asg.group("own-group", List.of(new Member(id(1), "eu-west-1a", "InService")));
    ec2.add(FakeEc2.Instance.running(id(1), ip(1)));

    List<Peer> peers = discovery(Settings.empty()).discover();

    assertThat(peers).extracting(Peer::instanceId).containsExactly(id(1));
    assertThat(
            server.requests(FakeAutoScaling.ACTION).get(0).indexed("AutoScalingGroupNames.member."))
        .containsExactly("own-group");
  }

  @Test
  void instancesWithoutAPrivateAddressAreLeftOutAndIpv6OnlyOnesUseTheirIpv6() throws Exception {
    asg.group(
        "web",
        List.of(
            new Member(id(1), "eu-west-1a", "InService"),
            new Member(id(2), "eu-west-1a", "InService"),
            new Member(id(3), "eu-west-1a", "InService"),
            new Member(id(4), "eu-west-1a", "InService")));
    ec2.add(FakeEc2.Instance.running(id(1), ip(1)));
    ec2.add(FakeEc2.Instance.running(id(2), null)); // no address yet
    ec2.add(FakeEc2.Instance.running(id(3), null).withIpv6("2001:db8::3"));
    ec2.add(FakeEc2.Instance.running(id(4), ip(4)).withIpv6("2001:db8::4"));

    List<Peer> peers =
        discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web")).discover();

    assertThat(peers).extracting(Peer::instanceId).containsExactly(id(1), id(3), id(4));
    assertThat(peers)
        .extracting(Peer::addressText)
        .containsExactly(ip(1), "2001:db8:0:0:0:0:0:3", ip(4));
  }

  @Test
  void idsNotYetKnownToEc2AreDroppedAndTheRestStillDescribed() throws Exception {
    List<Member> members = new ArrayList<>();
    for (int n = 0; n < 150; n++) {
      members.add(new Member(id(n), "eu-west-1a", "InService"));
      ec2.add(FakeEc2.Instance.running(id(n), ip(n)));
    }
    asg.group("web", members);
    ec2.unknown(id(7)).unknown(id(120)).unknown(id(121));

    List<Peer> peers =
        discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web")).discover();

    assertThat(peers).hasSize(147);
    assertThat(peers).extracting(Peer::instanceId).doesNotContain(id(7), id(120), id(121));
    // Each failing batch was asked again without the unknown ids.
    List<Request> calls = server.requests(FakeEc2.ACTION);
    assertThat(calls).hasSize(4);
    assertThat(calls.get(1).indexed("InstanceId.")).hasSize(99).doesNotContain(id(7));
    assertThat(calls.get(3).indexed("InstanceId.")).hasSize(48).doesNotContain(id(120), id(121));
  }

  @Test
  void deniedDescribeAutoScalingGroupsNamesTheMissingIamAction() {
    asg.group("web", List.of(new Member(id(1), "eu-west-1a", "InService"))).deny();

    Discovery d = discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web"));

    assertThatThrownBy(d::discover)
        .isInstanceOf(DiscoveryException.class)
        .hasMessageContaining("autoscaling:DescribeAutoScalingGroups was denied (AccessDenied)")
        .hasMessageContaining(
            "add \"autoscaling:DescribeAutoScalingGroups\" to the instance role's policy");
    assertThat(server.requests(FakeEc2.ACTION)).isEmpty();
  }

  @Test
  void deniedDescribeInstancesNamesTheMissingIamAction() {
    asg.group("web", List.of(new Member(id(1), "eu-west-1a", "InService")));
    ec2.add(FakeEc2.Instance.running(id(1), ip(1))).deny();

    Discovery d = discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web"));

    assertThatThrownBy(d::discover)
        .isInstanceOf(DiscoveryException.class)
        .hasMessageContaining("ec2:DescribeInstances was denied (UnauthorizedOperation)")
        .hasMessageContaining("add \"ec2:DescribeInstances\" to the instance role's policy");
  }

  @Test
  void missingGroupIsAnErrorNamingItAndTheRegion() {
    asg.group("web", List.of());

    Discovery d = discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web-typo"));

    assertThatThrownBy(d::discover)
        .isInstanceOf(DiscoveryException.class)
        .hasMessageContaining("Auto Scaling group 'web-typo'")
        .hasMessageContaining("does not exist in region eu-west-1")
        .hasMessageContaining("discovery.asg.name");
  }

  @Test
  void groupWithNoInServiceInstanceIsAnEmptyViewDescribedByGroupAndState() throws Exception {
    asg.group("web", List.of(new Member(id(1), "eu-west-1a", "Pending:Wait")));
    ec2.add(FakeEc2.Instance.running(id(1), ip(1)));

    Discovery d = discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web"));

    assertThat(d.discover()).isEmpty();
    assertThat(d.describe())
        .isEqualTo("ASG 'web' (override), instances in lifecycle state InService");
    assertThat(server.requests(FakeEc2.ACTION)).isEmpty();
  }
}
