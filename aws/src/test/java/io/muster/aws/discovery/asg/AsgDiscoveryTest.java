package io.muster.aws.discovery.asg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.discovery.ec2.Ec2Instance;
import io.muster.aws.discovery.ec2.RecordingEc2Api;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AsgDiscoveryTest {
  private final FakeAsgApi asg = new FakeAsgApi();
  private final RecordingEc2Api ec2 = new RecordingEc2Api();

  private static AsgInstance member(String id, String state) {
    return new AsgInstance(id, state, "eu-west-1c");
  }

  /** A running instance of group "web", as Auto Scaling tags it. */
  private static Ec2Instance running(String id, String ip) {
    return new Ec2Instance(
        id,
        "running",
        ip,
        null,
        null,
        "eu-west-1a",
        Instant.EPOCH,
        Map.of("aws:autoscaling:groupName", "web"));
  }

  private static final Map<String, List<String>> WEB_FILTER =
      Map.of(
          "tag:aws:autoscaling:groupName", List.of("web"),
          "instance-state-name", List.of("pending", "running"));

  private AsgDiscovery discovery(boolean includePending) {
    return new AsgDiscovery(new AsgSettings("web", "flag --asg", includePending), asg, ec2);
  }

  /** Every lifecycle state of the Auto Scaling API reference, and whether it is a peer. */
  @ParameterizedTest(name = "{0}: peer={1}, with include-pending={2}")
  @CsvSource({
    "InService,true,true",
    "Pending,false,true",
    "Pending:Wait,false,true",
    "Pending:Proceed,false,true",
    "Quarantined,false,false",
    "Terminating,false,false",
    "Terminating:Wait,false,false",
    "Terminating:Proceed,false,false",
    "Terminated,false,false",
    "Detaching,false,false",
    "Detached,false,false",
    "EnteringStandby,false,false",
    "Standby,false,false",
    "Warmed:Pending,false,false",
    "Warmed:Pending:Wait,false,false",
    "Warmed:Pending:Proceed,false,false",
    "Warmed:Terminating,false,false",
    "Warmed:Terminating:Wait,false,false",
    "Warmed:Terminating:Proceed,false,false",
    "Warmed:Terminated,false,false",
    "Warmed:Stopped,false,false",
    "Warmed:Running,false,false",
    "Warmed:Hibernated,false,false",
    "SomeFutureState,false,false"
  })
  void lifecycleStateDecidesWhoIsAPeer(String state, boolean peer, boolean peerWithPending)
      throws Exception {
    asg.group("web", member("i-1", state));
    ec2.answer(running("i-1", "10.0.0.1"));

    assertThat(discovery(false).discover()).hasSize(peer ? 1 : 0);
    assertThat(discovery(true).discover()).hasSize(peerWithPending ? 1 : 0);
  }

  @Test
  void discoverMakesOneGroupCallAndOneTagQueryAndKeepsOnlyAdmittedInstancesEachOnce()
      throws Exception {
    asg.group(
        "web",
        member("i-1", "InService"),
        member("i-2", "Terminating"),
        member("i-3", "InService"),
        member("i-1", "InService"),
        member("i-4", "Standby"),
        member("i-5", "Detaching"),
        member("i-6", "Pending"));
    ec2.answer(
        running("i-1", "10.0.0.1"),
        running("i-2", "10.0.0.2"),
        running("i-3", "10.0.0.3"),
        running("i-4", "10.0.0.4"),
        running("i-5", "10.0.0.5"),
        running("i-6", "10.0.0.6"));

    List<Peer> peers = discovery(false).discover();

    assertThat(peers).extracting(Peer::instanceId).containsExactly("i-1", "i-3");
    assertThat(asg.calls).containsExactly("web");
    assertThat(ec2.filterCalls()).containsExactly(WEB_FILTER);
    assertThat(ec2.idCalls()).isEmpty();
  }

  @Test
  void peersFollowTheGroupsOrderNotEc2s() throws Exception {
    asg.group("web", member("i-2", "InService"), member("i-1", "InService"));
    ec2.answer(running("i-1", "10.0.0.1"), running("i-2", "10.0.0.2"));

    assertThat(discovery(false).discover())
        .extracting(Peer::instanceId)
        .containsExactly("i-2", "i-1");
  }

  @Test
  void membersTheTagQueryMissesAreDescribedByIdAndIncluded() throws Exception {
    asg.group(
        "web",
        member("i-1", "InService"),
        member("i-2", "InService"),
        member("i-3", "InService"),
        member("i-4", "Standby"));
    ec2.answer(
            running("i-1", "10.0.0.1"),
            running("i-2", "10.0.0.2"),
            running("i-3", "10.0.0.3"),
            running("i-4", "10.0.0.4"))
        .hideFromFilters("i-2", "i-3", "i-4"); // tags not visible yet

    List<Peer> peers = discovery(false).discover();

    assertThat(peers).extracting(Peer::instanceId).containsExactly("i-1", "i-2", "i-3");
    // Only the admitted ids the tag query missed, in one call; never the Standby one.
    assertThat(ec2.idCalls()).containsExactly(List.of("i-2", "i-3"));
  }

  @Test
  void taggedInstancesTheGroupDoesNotListAreNotPeersButAreListed() throws Exception {
    // i-9 was detached (or its group deleted and re-created): its aws: tag lingers.
    asg.group("web", member("i-1", "InService"));
    ec2.answer(running("i-1", "10.0.0.1"), running("i-9", "10.0.0.9"));

    assertThat(discovery(false).discover()).extracting(Peer::instanceId).containsExactly("i-1");
    assertThat(discovery(false).list()).extracting(Peer::instanceId).containsExactly("i-1", "i-9");
  }

  @Test
  void listMakesNoAutoScalingCallAndOneTagQuery() throws Exception {
    asg.group("web", member("i-1", "InService"));
    ec2.answer(running("i-1", "10.0.0.1"));

    List<Peer> peers = discovery(false).list();

    assertThat(peers).extracting(Peer::instanceId).containsExactly("i-1");
    assertThat(asg.calls).isEmpty();
    assertThat(ec2.filterCalls()).containsExactly(WEB_FILTER);
    assertThat(ec2.idCalls()).isEmpty();
  }

  /** list() is a superset of discover(): every lifecycle state of an instance that still runs. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "InService",
    "Pending:Wait",
    "Standby",
    "EnteringStandby",
    "Terminating:Wait",
    "Detaching",
    "Warmed:Running"
  })
  void listIncludesEveryRunningInstanceOfTheGroupWhateverItsLifecycleState(String state)
      throws Exception {
    asg.group("web", member("i-1", "InService"), member("i-2", state));
    ec2.answer(running("i-1", "10.0.0.1"), running("i-2", "10.0.0.2"));

    for (boolean includePending : new boolean[] {false, true}) {
      List<Peer> discovered = discovery(includePending).discover();
      List<Peer> listed = discovery(includePending).list();

      assertThat(listed).extracting(Peer::instanceId).containsExactly("i-1", "i-2");
      assertThat(listed).containsAll(discovered);
    }
  }

  @Test
  void listLeavesOutInstancesOfOtherGroupsAndWithoutAnAddress() throws Exception {
    ec2.answer(
        running("i-1", "10.0.0.1"),
        new Ec2Instance(
            "i-2",
            "running",
            "10.0.0.2",
            null,
            null,
            null,
            null,
            Map.of("aws:autoscaling:groupName", "web-other")),
        new Ec2Instance("i-3", "running", "10.0.0.3", null, null, null, null, Map.of()),
        running("i-4", null));

    assertThat(discovery(false).list()).extracting(Peer::instanceId).containsExactly("i-1");
  }

  @Test
  void groupNameIsEscapedInTheTagFilter() {
    assertThat(AsgDiscovery.groupFilter("web*prod?\\x"))
        .containsExactly(
            Map.entry("tag:aws:autoscaling:groupName", List.of("web\\*prod\\?\\\\x")),
            Map.entry("instance-state-name", List.of("pending", "running")));
    assertThat(AsgDiscovery.literal("web-prod_1.a b")).isEqualTo("web-prod_1.a b");
  }

  @Test
  void nothingAdmittedMeansNoEc2CallAndAnEmptyView() throws Exception {
    asg.group("web", member("i-1", "Pending"), member("i-2", "Terminating:Wait"));

    assertThat(discovery(false).discover()).isEmpty();
    assertThat(ec2.idCalls()).isEmpty();
    assertThat(ec2.filterCalls()).isEmpty();
  }

  @Test
  void instancesEc2ReportsGoingAwayOrWithoutAddressOrNotAtAllAreLeftOut() throws Exception {
    asg.group(
        "web",
        member("i-1", "InService"),
        member("i-2", "InService"),
        member("i-3", "InService"),
        member("i-4", "InService"));
    ec2.answer(
        running("i-1", "10.0.0.1"),
        new Ec2Instance("i-2", "shutting-down", "10.0.0.2", null, null, null, null, null),
        running("i-3", null));

    assertThat(discovery(false).discover()).extracting(Peer::instanceId).containsExactly("i-1");
  }

  @Test
  void instancesNotAskedForOrListedTwiceByEc2AreIgnored() throws Exception {
    asg.group("web", member("i-1", "InService"));
    ec2.answerVerbatim(
        running("i-1", "10.0.0.1"), running("i-9", "10.0.0.9"), running("i-1", "10.0.0.1"));

    assertThat(discovery(false).discover()).extracting(Peer::instanceId).containsExactly("i-1");
  }

  @Test
  void zoneFallsBackToTheGroupsRecordWhenEc2HasNone() throws Exception {
    asg.group("web", member("i-1", "InService"), member("i-2", "InService"));
    ec2.answer(
        new Ec2Instance("i-1", "running", "10.0.0.1", null, null, null, null, null),
        running("i-2", "10.0.0.2"));

    List<Peer> peers = discovery(false).discover();

    assertThat(peers)
        .extracting(Peer::availabilityZone)
        .containsExactly("eu-west-1c", "eu-west-1a");
  }

  @Test
  void missingGroupNamesTheGroupItsSourceTheRegionAndTheKey() {
    asg.group("web-prod");

    assertThatThrownBy(() -> discovery(false).discover())
        .isInstanceOf(DiscoveryException.class)
        .hasMessage(
            "Auto Scaling group 'web' (flag --asg) does not exist in region test-1: set"
                + " discovery.asg.name (--asg) to an existing group, or node.region (--region) to"
                + " the group's region");
  }

  @Test
  void apiErrorsPassThroughUnchanged() {
    DiscoveryException denied = new DiscoveryException("ec2:DescribeInstances was denied");
    asg.group("web", member("i-1", "InService"));
    ec2.failWith(denied);

    assertThatThrownBy(() -> discovery(false).discover()).isSameAs(denied);
  }

  @Test
  void describeNamesGroupSourceAndStates() {
    assertThat(discovery(false).describe())
        .isEqualTo("ASG 'web' (flag --asg), instances in lifecycle state InService");
    assertThat(discovery(true).describe())
        .isEqualTo(
            "ASG 'web' (flag --asg), instances in lifecycle state InService or Pending or"
                + " Pending:Wait or Pending:Proceed");
  }

  @Test
  void emptyViewWarningSaysWhichGroupWhereAndWhatItHolds() {
    String msg =
        AsgDiscovery.emptyViewMessage(
            new AsgSettings("web", "flag --asg", false),
            "region eu-west-1",
            new TreeMap<>(Map.of("Pending", 2, "Terminating", 1)));

    assertThat(msg)
        .isEqualTo(
            "no peers: ASG 'web' (flag --asg) in region eu-west-1 has no instance with an address"
                + " in lifecycle state InService; it lists {Pending=2, Terminating=1}. Check"
                + " discovery.asg.name (--asg) and node.region (--region), or set"
                + " discovery.asg.include-pending=true");
  }

  @Test
  void emptyListingWarningSaysWhichTagWhereAndWhatToCheck() {
    assertThat(
            AsgDiscovery.emptyListingMessage(
                new AsgSettings("web", "flag --asg", false), "region eu-west-1"))
        .isEqualTo(
            "no peers listed: no pending or running EC2 instance in region eu-west-1 carries the"
                + " tag aws:autoscaling:groupName='web' (flag --asg). Check discovery.asg.name"
                + " (--asg) and node.region (--region)");
  }
}
