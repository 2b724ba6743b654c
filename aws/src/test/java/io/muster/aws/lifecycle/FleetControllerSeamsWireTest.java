package io.muster.aws.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.discovery.asg.SdkAsgApi;
import io.muster.aws.discovery.ec2.SdkEc2Api;
import io.muster.aws.testing.AwsTestEndpoint;
import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleException;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.LifecycleTransition;
import io.muster.lifecycle.fleet.GroupLifecycle;
import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeEc2;
import io.muster.testing.ManualClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet controller's reconcile and address seams through the real AWS SDK against the local
 * Auto Scaling lifecycle API and EC2 fake (real Query protocol over loopback HTTP).
 */
class FleetControllerSeamsWireTest {
  private static final String GROUP = "salt-minions";
  private static final String I1 = "i-0123456789abcdef1";
  private static final String I2 = "i-0123456789abcdef2";
  private static final String I3 = "i-0123456789abcdef3";

  private FakeAwsQueryServer server;
  private FakeAutoScalingLifecycle asg;
  private FakeEc2 ec2;
  private AwsTestEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    server = FakeAwsQueryServer.start();
    asg =
        new FakeAutoScalingLifecycle(server, new ManualClock())
            .hook(
                GROUP,
                "launch-hook",
                FakeAutoScalingLifecycle.LAUNCHING,
                Duration.ofSeconds(300),
                "ABANDON")
            .hook(
                GROUP,
                "drain",
                FakeAutoScalingLifecycle.TERMINATING,
                Duration.ofSeconds(120),
                "CONTINUE")
            .describesGroups();
    ec2 = new FakeEc2(server);
    endpoint = new AwsTestEndpoint(server.endpoint());
  }

  @AfterEach
  void stop() {
    endpoint.close();
    server.close();
  }

  @Test
  void theGroupsInstancesWithTheirLifecycleStatesAndItsHooks() {
    asg.launch(GROUP, I1).launch(GROUP, I2);
    new AutoScalingLifecycleActions(endpoint::clients)
        .complete(
            new LifecycleAction(
                GROUP, "launch-hook", I2, LifecycleTransition.LAUNCHING, Optional.empty()),
            LifecycleResult.CONTINUE);
    GroupLifecycle group =
        new AutoScalingGroupLifecycle(new SdkAsgApi(endpoint::clients), endpoint::clients);
    assertThat(group.instanceStates(GROUP))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(I1, "Pending:Wait", I2, "InService"));
    assertThat(group.hooks(GROUP))
        .containsExactlyInAnyOrder(
            new GroupLifecycle.Hook("launch-hook", LifecycleTransition.LAUNCHING, ""),
            new GroupLifecycle.Hook("drain", LifecycleTransition.TERMINATING, ""));
  }

  @Test
  void anUnknownGroupIsAnErrorNamingTheKeyNotAnEmptyGroup() {
    GroupLifecycle group =
        new AutoScalingGroupLifecycle(new SdkAsgApi(endpoint::clients), endpoint::clients);
    assertThatThrownBy(() -> group.instanceStates("salt-minoins"))
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("'salt-minoins'")
        .hasMessageContaining("lifecycle.controller.groups")
        .satisfies(e -> assertThat(((LifecycleException) e).retryable()).isFalse());
  }

  @Test
  void theAddressIsThePrivateIpv4ElseTheIpv6AndEmptyWhileEc2DoesNotKnowTheInstance() {
    ec2.add(FakeEc2.Instance.running(I1, "10.0.7.11"));
    ec2.add(FakeEc2.Instance.running(I2, null).withIpv6("2001:db8::12"));
    Ec2InstanceAddresses addresses = new Ec2InstanceAddresses(new SdkEc2Api(endpoint::clients));
    assertThat(addresses.privateAddress(I1)).contains("10.0.7.11");
    assertThat(addresses.privateAddress(I2)).contains("2001:db8::12");
    assertThat(addresses.privateAddress(I3)).isEmpty(); // InvalidInstanceID.NotFound: not yet
  }

  @Test
  void accessDeniedIsAPermanentErrorNamingTheAction() {
    ec2.deny();
    Ec2InstanceAddresses addresses = new Ec2InstanceAddresses(new SdkEc2Api(endpoint::clients));
    assertThatThrownBy(() -> addresses.privateAddress(I1))
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("ec2:DescribeInstances")
        .satisfies(e -> assertThat(((LifecycleException) e).retryable()).isFalse());
  }
}
