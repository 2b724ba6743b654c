package io.muster.discovery.asg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.discovery.DiscoveryException;
import io.muster.discovery.Peer;
import io.muster.discovery.ec2.Ec2Instance;
import io.muster.discovery.ec2.RecordingEc2Api;
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

  private static Ec2Instance running(String id, String ip) {
    return new Ec2Instance(id, "running", ip, null, null, "eu-west-1a", Instant.EPOCH, Map.of());
  }

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
  void onlyAdmittedInstancesAreDescribedEachOnce() throws Exception {
    asg.group(
        "web",
        member("i-1", "InService"),
        member("i-2", "Terminating"),
        member("i-3", "InService"),
        member("i-1", "InService"),
        member("i-4", "Standby"));
    ec2.answer(running("i-1", "10.0.0.1"), running("i-3", "10.0.0.3"));

    List<Peer> peers = discovery(false).discover();

    assertThat(ec2.idCalls()).containsExactly(List.of("i-1", "i-3"));
    assertThat(peers).extracting(Peer::instanceId).containsExactly("i-1", "i-3");
    assertThat(asg.calls).containsExactly("web");
  }

  @Test
  void nothingAdmittedMeansNoEc2CallAndAnEmptyView() throws Exception {
    asg.group("web", member("i-1", "Pending"), member("i-2", "Terminating:Wait"));

    assertThat(discovery(false).discover()).isEmpty();
    assertThat(ec2.idCalls()).isEmpty();
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
}
