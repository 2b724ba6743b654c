package io.muster.aws.discovery.asg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.AwsClients;
import io.muster.aws.testing.AwsTestContexts;
import io.muster.config.Settings;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
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
 * (XML shapes of the AWS API reference). Proves pagination, the calls each pass makes (discover:
 * DescribeAutoScalingGroups plus a tag-filtered DescribeInstances; list: the tag query alone),
 * state filtering and error messages end to end, including the SDK's own marshalling and
 * unmarshalling.
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
            AwsTestContexts.with(
                settings,
                () -> {
                  identityCalls.incrementAndGet();
                  return self;
                },
                clients));
  }

  private static String id(int n) {
    return String.format("i-%017x", n);
  }

  private static String ip(int n) {
    return "10.1." + (n / 200) + "." + (n % 200 + 1);
  }

  /** A running instance as Auto Scaling launches it into {@code group}: tagged with its name. */
  private static FakeEc2.Instance launched(int n, String group) {
    return FakeEc2.Instance.running(id(n), ip(n))
        .withAvailabilityZone(n % 2 == 0 ? "eu-west-1a" : "eu-west-1b")
        .withTags(Map.of("Name", "web-" + n, "aws:autoscaling:groupName", group));
  }

  /** 1,200 members in every lifecycle state; EC2 state as it would be (terminated ones gone). */
  private Set<String> group1200(List<Member> members, Set<String> running) {
    Set<String> inService = new LinkedHashSet<>();
    for (int n = 0; n < 1200; n++) {
      String state = STATES.get(n % STATES.size());
      members.add(new Member(id(n), n % 2 == 0 ? "eu-west-1a" : "eu-west-1b", state));
      FakeEc2.Instance i = launched(n, "web-prod");
      if (state.equals("Terminated") || state.equals("Warmed:Stopped")) {
        i = i.withState(state.equals("Terminated") ? "terminated" : "stopped");
      } else {
        running.add(id(n));
      }
      ec2.add(i);
      if (state.equals("InService")) {
        inService.add(id(n));
      }
    }
    asg.group("web-prod", members)
        .group("other", List.of(new Member(id(5000), "eu-west-1a", "InService")));
    ec2.add(launched(5000, "other"));
    asg.instancesPerPage(400); // 3 pages of the one group
    return inService;
  }

  /**
   * The filtered DescribeInstances of the asg provider: the group's tag and live states, MaxResults
   * 1000 (the API's maximum; EC2 refuses it together with InstanceId.N, see the DescribeInstances
   * API reference: MaxResults 5-1000, "You cannot specify this parameter and the instance IDs
   * parameter in the same request"), every NextToken followed.
   */
  private static void assertTagQueryPages(List<Request> ec2Calls, int pages) {
    assertThat(ec2Calls).hasSize(pages);
    for (Request r : ec2Calls) {
      assertThat(r.filters())
          .containsExactly(
              Map.entry("tag:aws:autoscaling:groupName", List.of("web-prod")),
              Map.entry("instance-state-name", List.of("pending", "running")));
      assertThat(r.param("Filter.1.Name")).isEqualTo("tag:aws:autoscaling:groupName");
      assertThat(r.param("MaxResults")).isEqualTo("1000");
      assertThat(r.indexed("InstanceId.")).isEmpty();
    }
    assertThat(ec2Calls.get(0).param("NextToken")).isNull();
    assertThat(ec2Calls.subList(1, pages))
        .allSatisfy(r -> assertThat(r.param("NextToken")).isNotBlank());
  }

  @Test
  void groupOf1200InMixedStatesYieldsEveryInServiceInstanceOnceFromTwoTagQueryPages()
      throws Exception {
    List<Member> members = new ArrayList<>();
    Set<String> running = new LinkedHashSet<>();
    Set<String> inService = group1200(members, running);
    assertThat(running).hasSizeGreaterThan(1000); // so the tag query needs a second page

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

    // DescribeInstances: 2 pages of the tag query (1,000 + the rest), no by-id call (every member
    // was tagged). It was 4 batches of <= 100 ids, each paged, before.
    assertTagQueryPages(server.requests(FakeEc2.ACTION), 2);

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
  void listingTheGroupOf1200TakesTwoTagQueryPagesAndNoAutoScalingCall() throws Exception {
    List<Member> members = new ArrayList<>();
    Set<String> running = new LinkedHashSet<>();
    Set<String> inService = group1200(members, running);
    Discovery d = discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web-prod"));

    List<Peer> listed = d.list();

    List<String> ids = listed.stream().map(Peer::instanceId).toList();
    assertThat(ids).doesNotHaveDuplicates();
    // Every running instance tagged with the group, whatever its lifecycle state; not "other"'s.
    assertThat(new HashSet<>(ids)).isEqualTo(running).containsAll(inService);
    assertThat(server.requests(FakeAutoScaling.ACTION)).isEmpty();
    assertTagQueryPages(server.requests(FakeEc2.ACTION), 2);

    // The authoritative pass afterwards returns a subset of the listing.
    server.clearRequests();
    assertThat(listed).containsAll(d.discover());
  }

  /**
   * The group's desired capacity, not a count of its members (1,200 here, in every lifecycle state,
   * over 3 pages): one request, the first page.
   */
  @Test
  void theExpectedSizeIsTheGroupsDesiredCapacityFromOneRequest() throws Exception {
    group1200(new ArrayList<>(), new LinkedHashSet<>());
    asg.desiredCapacity("web-prod", 1000).instancesPerPage(500);
    Discovery d = discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web-prod"));

    assertThat(d.expectedSize()).hasValue(1000);
    List<Request> calls = server.requests(FakeAutoScaling.ACTION);
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).indexed("AutoScalingGroupNames.member.")).containsExactly("web-prod");
    assertThat(calls.get(0).param("MaxRecords")).isEqualTo("1");
    assertThat(server.requests(FakeEc2.ACTION)).isEmpty();

    Discovery missing = discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web-gone"));
    assertThat(missing.expectedSize()).isEmpty();
  }

  @Test
  void groupNameWithWildcardCharactersMatchesOnlyItself() throws Exception {
    asg.group("web*", List.of(new Member(id(1), "eu-west-1a", "InService")));
    ec2.add(launched(1, "web*")).add(launched(2, "web-prod"));

    Discovery d = discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web*"));

    assertThat(d.list()).extracting(Peer::instanceId).containsExactly(id(1));
    assertThat(server.requests(FakeEc2.ACTION).get(0).filters())
        .containsEntry("tag:aws:autoscaling:groupName", List.of("web\\*"));
  }

  @Test
  void includePendingAdmitsLaunchingInstancesButNeverLeavingOnes() throws Exception {
    List<Member> members = new ArrayList<>();
    for (int n = 0; n < STATES.size(); n++) {
      members.add(new Member(id(n), "eu-west-1a", STATES.get(n)));
      ec2.add(launched(n, "web"));
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
    ec2.add(launched(1, "own-group"));

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
    Map<String, String> tag = Map.of("aws:autoscaling:groupName", "web");
    ec2.add(FakeEc2.Instance.running(id(1), ip(1)).withTags(tag));
    ec2.add(FakeEc2.Instance.running(id(2), null).withTags(tag)); // no address yet
    ec2.add(FakeEc2.Instance.running(id(3), null).withIpv6("2001:db8::3").withTags(tag));
    ec2.add(FakeEc2.Instance.running(id(4), ip(4)).withIpv6("2001:db8::4").withTags(tag));

    List<Peer> peers =
        discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web")).discover();

    assertThat(peers).extracting(Peer::instanceId).containsExactly(id(1), id(3), id(4));
    assertThat(peers).extracting(Peer::addressText).containsExactly(ip(1), "2001:db8::3", ip(4));
  }

  @Test
  void membersTheTagQueryMissesAreDescribedByIdAndIdsUnknownToEc2AreDropped() throws Exception {
    List<Member> members = new ArrayList<>();
    for (int n = 0; n < 150; n++) {
      members.add(new Member(id(n), "eu-west-1a", "InService"));
      if (n == 7 || n == 120 || n == 121) {
        continue; // just launched: EC2 does not know these ids yet
      }
      // 50 and 51 just launched too: EC2 knows them, but not (yet) their tag.
      ec2.add(n == 50 || n == 51 ? FakeEc2.Instance.running(id(n), ip(n)) : launched(n, "web"));
    }
    asg.group("web", members);

    List<Peer> peers =
        discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web")).discover();

    assertThat(peers).hasSize(147);
    assertThat(peers).extracting(Peer::instanceId).contains(id(50), id(51));
    assertThat(peers).extracting(Peer::instanceId).doesNotContain(id(7), id(120), id(121));
    // One tag query, then only the 5 ids it missed by id; EC2 refuses 3 of them, so asked again.
    List<Request> calls = server.requests(FakeEc2.ACTION);
    assertThat(calls).hasSize(3);
    assertThat(calls.get(0).filters()).containsKey("tag:aws:autoscaling:groupName");
    assertThat(calls.get(1).indexed("InstanceId."))
        .containsExactly(id(7), id(50), id(51), id(120), id(121));
    assertThat(calls.get(1).param("MaxResults")).isNull();
    assertThat(calls.get(2).indexed("InstanceId.")).containsExactly(id(50), id(51));
  }

  @Test
  void deniedDescribeAutoScalingGroupsNamesTheMissingIamAction() {
    asg.group("web", List.of(new Member(id(1), "eu-west-1a", "InService"))).deny();

    Discovery d = discovery(Settings.empty().with(AsgDiscoveryProvider.NAME, "web"));

    assertThatThrownBy(d::discover)
        .isInstanceOf(DiscoveryException.class)
        .hasMessageContaining("autoscaling:DescribeAutoScalingGroups was denied (AccessDenied)")
        .hasMessageContaining(
            "add \"autoscaling:DescribeAutoScalingGroups\" to the instance role's policy")
        .matches(e -> ((DiscoveryException) e).permanent(), "permanent");
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
        .hasMessageContaining("add \"ec2:DescribeInstances\" to the instance role's policy")
        .matches(e -> ((DiscoveryException) e).permanent(), "permanent");
    assertThatThrownBy(d::list)
        .isInstanceOf(DiscoveryException.class)
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
