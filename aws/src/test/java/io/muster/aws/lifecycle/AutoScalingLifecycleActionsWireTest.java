package io.muster.aws.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.testing.AwsTestEndpoint;
import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleActions.Outcome;
import io.muster.lifecycle.LifecycleException;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.LifecycleTransition;
import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAutoScalingLifecycle.Completion;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeAwsQueryServer.Request;
import io.muster.testing.FakeImds;
import io.muster.testing.ManualClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Auto Scaling lifecycle seam through the real AWS SDK against the local lifecycle API (real
 * Query protocol over loopback HTTP): what is sent, how AWS's answers are classified, and the
 * behaviours of the API the on-node agent and the fleet controller rely on.
 */
class AutoScalingLifecycleActionsWireTest {
  private static final String GROUP = "web-prod";
  private static final String I1 = "i-0123456789abcdef0";

  private final ManualClock clock = new ManualClock();
  private FakeAwsQueryServer server;
  private FakeAutoScalingLifecycle asg;
  private AwsTestEndpoint endpoint;
  private AutoScalingLifecycleActions actions;

  @BeforeEach
  void start() throws Exception {
    server = FakeAwsQueryServer.start();
    asg =
        new FakeAutoScalingLifecycle(server, clock)
            .hook(
                GROUP,
                "launch-gate",
                FakeAutoScalingLifecycle.LAUNCHING,
                Duration.ofSeconds(300),
                "ABANDON")
            .hook(
                GROUP,
                "drain",
                FakeAutoScalingLifecycle.TERMINATING,
                Duration.ofSeconds(120),
                "CONTINUE");
    endpoint = new AwsTestEndpoint(server.endpoint());
    actions = new AutoScalingLifecycleActions(endpoint::clients);
  }

  @AfterEach
  void stop() {
    endpoint.close();
    server.close();
  }

  private static LifecycleAction byInstance(String hook, LifecycleTransition t) {
    return new LifecycleAction(GROUP, hook, I1, t, Optional.empty());
  }

  @Test
  void completesALaunchByInstanceIdAndTheInstanceGoesInService() {
    asg.launch(GROUP, I1);
    assertThat(actions.lifecycleState(I1)).contains("Pending:Wait");

    Outcome o =
        actions.complete(
            byInstance("launch-gate", LifecycleTransition.LAUNCHING), LifecycleResult.CONTINUE);

    assertThat(o).isEqualTo(Outcome.ACCEPTED);
    assertThat(actions.lifecycleState(I1)).contains("InService");
    Request sent = server.requests("CompleteLifecycleAction").get(0);
    assertThat(sent.params())
        .containsEntry("AutoScalingGroupName", GROUP)
        .containsEntry("LifecycleHookName", "launch-gate")
        .containsEntry("InstanceId", I1)
        .containsEntry("LifecycleActionResult", "CONTINUE")
        .doesNotContainKey("LifecycleActionToken");
    assertThat(asg.completions(I1, "launch-gate"))
        .singleElement()
        .satisfies(c -> assertThat(c.byTimeout()).isFalse());
  }

  @Test
  void aTokenNamesTheActionWhenThereIsOne() {
    asg.launch(GROUP, I1);
    String token = asg.token(I1, "launch-gate");

    Outcome o =
        actions.complete(
            new LifecycleAction(
                GROUP, "launch-gate", I1, LifecycleTransition.LAUNCHING, Optional.of(token)),
            LifecycleResult.ABANDON);

    assertThat(o).isEqualTo(Outcome.ACCEPTED);
    assertThat(server.requests("CompleteLifecycleAction").get(0).params())
        .containsEntry("LifecycleActionToken", token)
        .doesNotContainKey("InstanceId");
    assertThat(asg.state(I1)).isEqualTo("Terminated");
    assertThat(asg.completions()).extracting(Completion::result).containsExactly("ABANDON");
  }

  @Test
  void aSecondCompletionFindsNoActiveAction() {
    asg.launch(GROUP, I1);
    LifecycleAction a = byInstance("launch-gate", LifecycleTransition.LAUNCHING);

    assertThat(actions.complete(a, LifecycleResult.CONTINUE)).isEqualTo(Outcome.ACCEPTED);
    assertThat(actions.complete(a, LifecycleResult.CONTINUE)).isEqualTo(Outcome.NO_ACTIVE_ACTION);
    assertThat(asg.completions(I1, "launch-gate")).hasSize(1);
  }

  @Test
  void anExpiredTokenFindsNoActiveActionAndTheDefaultResultApplied() {
    asg.launch(GROUP, I1);
    String token = asg.token(I1, "launch-gate");
    clock.advance(Duration.ofSeconds(301));

    Outcome o =
        actions.complete(
            new LifecycleAction(
                GROUP, "launch-gate", I1, LifecycleTransition.LAUNCHING, Optional.of(token)),
            LifecycleResult.CONTINUE);

    assertThat(o).isEqualTo(Outcome.NO_ACTIVE_ACTION);
    assertThat(asg.completions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.byTimeout()).isTrue();
              assertThat(c.result()).isEqualTo("ABANDON");
            });
    assertThat(asg.state(I1)).isEqualTo("Terminated");
  }

  @Test
  void heartbeatsPushTheTimeoutBackUpToTheGlobalCap() {
    asg.launch(GROUP, I1);
    LifecycleAction a = byInstance("launch-gate", LifecycleTransition.LAUNCHING);
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(200));
      assertThat(actions.heartbeat(a)).isEqualTo(Outcome.ACCEPTED);
    }
    assertThat(asg.state(I1)).isEqualTo("Pending:Wait");
    assertThat(asg.heartbeats()).hasSize(5);
    assertThat(server.requests("RecordLifecycleActionHeartbeat").get(0).params())
        .containsEntry("InstanceId", I1)
        .containsEntry("LifecycleHookName", "launch-gate");

    // The global timeout: 100 x 300 s, whatever the heartbeats.
    for (int i = 0; i < 160; i++) {
      clock.advance(Duration.ofSeconds(200));
      actions.heartbeat(a);
    }
    assertThat(asg.completions())
        .singleElement()
        .satisfies(c -> assertThat(c.byTimeout()).isTrue());
    assertThat(actions.heartbeat(a)).isEqualTo(Outcome.NO_ACTIVE_ACTION);
  }

  @Test
  void theApiLagsInstanceMetadataOnTerminate() throws Exception {
    try (FakeImds imds = FakeImds.start()) {
      asg.mirrorTo(imds, Duration.ZERO)
          .race(Duration.ofSeconds(10), Duration.ofSeconds(15))
          .launch(GROUP, I1);
      actions.complete(
          byInstance("launch-gate", LifecycleTransition.LAUNCHING), LifecycleResult.CONTINUE);
      asg.terminate(I1);
      LifecycleAction drain = byInstance("drain", LifecycleTransition.TERMINATING);

      assertThat(imds.value("autoscaling/target-lifecycle-state")).isEqualTo("Terminated");
      assertThat(actions.lifecycleState(I1)).contains("Terminating");
      assertThat(actions.complete(drain, LifecycleResult.CONTINUE))
          .isEqualTo(Outcome.NO_ACTIVE_ACTION);

      clock.advance(Duration.ofSeconds(10));
      assertThat(actions.lifecycleState(I1)).contains("Terminating:Wait");
      // Reported in production: a completion right after Terminating:Wait still finds nothing.
      assertThat(actions.complete(drain, LifecycleResult.CONTINUE))
          .isEqualTo(Outcome.NO_ACTIVE_ACTION);

      clock.advance(Duration.ofSeconds(5));
      assertThat(actions.complete(drain, LifecycleResult.CONTINUE)).isEqualTo(Outcome.ACCEPTED);
      assertThat(actions.lifecycleState(I1)).isEmpty();
      assertThat(asg.completions(I1, "drain")).hasSize(1);
    }
  }

  @Test
  void instanceMetadataCanLagTheApi() throws Exception {
    try (FakeImds imds = FakeImds.start()) {
      asg.mirrorTo(imds, Duration.ofSeconds(20)).launch(GROUP, I1);

      assertThat(imds.value("autoscaling/target-lifecycle-state")).isNull();
      clock.advance(Duration.ofSeconds(20));
      assertThat(imds.value("autoscaling/target-lifecycle-state")).isEqualTo("InService");
    }
  }

  @Test
  void anUnknownHookFindsNoActiveActionAsOnAws() {
    asg.launch(GROUP, I1);

    assertThat(
            actions.complete(
                byInstance("typo", LifecycleTransition.LAUNCHING), LifecycleResult.CONTINUE))
        .isEqualTo(Outcome.NO_ACTIVE_ACTION);
  }

  @Test
  void accessDeniedIsNotRetryableAndNamesThePermission() {
    asg.launch(GROUP, I1);
    asg.deny();

    assertThatThrownBy(
            () ->
                actions.complete(
                    byInstance("launch-gate", LifecycleTransition.LAUNCHING),
                    LifecycleResult.CONTINUE))
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("autoscaling:CompleteLifecycleAction")
        .hasMessageContaining("muster iam-policy")
        .satisfies(e -> assertThat(((LifecycleException) e).retryable()).isFalse());
    assertThatThrownBy(() -> actions.lifecycleState(I1))
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("autoscaling:DescribeAutoScalingInstances");
  }

  @Test
  void serverErrorsAndUnreachableEndpointsAreRetryable() {
    server.on(
        FakeAwsQueryServer.Service.AUTO_SCALING,
        "RecordLifecycleActionHeartbeat",
        r ->
            server.error(
                FakeAwsQueryServer.Service.AUTO_SCALING, 503, "ServiceUnavailable", "try later"));
    LifecycleAction a = byInstance("launch-gate", LifecycleTransition.LAUNCHING);

    assertThatThrownBy(() -> actions.heartbeat(a))
        .isInstanceOf(LifecycleException.class)
        .satisfies(e -> assertThat(((LifecycleException) e).retryable()).isTrue());

    server.close();
    assertThatThrownBy(() -> actions.complete(a, LifecycleResult.CONTINUE))
        .isInstanceOf(LifecycleException.class)
        .satisfies(e -> assertThat(((LifecycleException) e).retryable()).isTrue());
  }
}
