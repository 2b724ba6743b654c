package io.muster.lifecycle.fleet;

import static io.muster.lifecycle.fleet.Messages.LAUNCHING;
import static io.muster.lifecycle.fleet.Messages.TERMINATING;
import static org.assertj.core.api.Assertions.assertThat;

import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleTransition;
import io.muster.lifecycle.fleet.Notification.Shape;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotificationParserTest {
  private final NotificationParser parser = new NotificationParser();

  private Notification.Action action(String body) {
    Notification n = parser.parse(body);
    assertThat(n).isInstanceOf(Notification.Action.class);
    return (Notification.Action) n;
  }

  private Notification.Malformed malformed(String body) {
    Notification n = parser.parse(body);
    assertThat(n).isInstanceOf(Notification.Malformed.class);
    return (Notification.Malformed) n;
  }

  @Test
  void aDirectLaunchCarriesTheActionItsMetadataAndDetailsButNotTheTokenInDetails() {
    Notification.Action a =
        action(Messages.direct(LAUNCHING, "i-0faa113d8c63b3f60", "c1069c83-a3d9"));
    assertThat(a.shape()).isEqualTo(Shape.DIRECT);
    assertThat(a.action())
        .isEqualTo(
            new LifecycleAction(
                "salt-minions",
                "launch-hook",
                "i-0faa113d8c63b3f60",
                LifecycleTransition.LAUNCHING,
                Optional.of("c1069c83-a3d9")));
    assertThat(a.metadata()).isEqualTo("role=minion");
    assertThat(a.details())
        .containsEntry("Origin", "EC2")
        .containsEntry("Destination", "AutoScalingGroup")
        .containsKey("Time")
        .doesNotContainValue("c1069c83-a3d9");
  }

  @Test
  void anSnsEnvelopeIsUnwrappedAndRawDeliveryReadsAsDirect() {
    String inner = Messages.direct(TERMINATING, "i-4c87e963", "tok-1");
    Notification.Action wrapped = action(Messages.sns(inner));
    assertThat(wrapped.shape()).isEqualTo(Shape.SNS);
    assertThat(wrapped.action().transition()).isEqualTo(LifecycleTransition.TERMINATING);
    assertThat(wrapped.action().instanceId()).isEqualTo("i-4c87e963");
    assertThat(action(inner).action()).isEqualTo(wrapped.action());
  }

  @Test
  void eventBridgeEventsOfBothTransitionsAreRead() {
    Notification.Action t =
        action(Messages.eventBridge(TERMINATING, "i-1234567890abcdef0", "87654321-4321"));
    assertThat(t.shape()).isEqualTo(Shape.EVENTBRIDGE);
    assertThat(t.action().hookName()).isEqualTo("my-lifecycle-hook");
    assertThat(t.action().token()).contains("87654321-4321");
    assertThat(t.metadata()).isEqualTo("additional-info");
    Notification.Action l = action(Messages.eventBridge(LAUNCHING, "i-1234567890abcdef0", "t2"));
    assertThat(l.action().transition()).isEqualTo(LifecycleTransition.LAUNCHING);
  }

  @Test
  void theTestNotificationIsRecognisedByEventOrByTransitionInEveryCarrier() {
    assertThat(parser.parse(Messages.testNotification())).isInstanceOf(Notification.Test.class);
    assertThat(parser.parse(Messages.sns(Messages.testNotification())))
        .isEqualTo(new Notification.Test(Shape.SNS, "salt-minions"));
    String viaTransition =
        Messages.direct(LAUNCHING, "i-1", "t")
            .replace(LAUNCHING, NotificationParser.TEST_NOTIFICATION);
    assertThat(parser.parse(viaTransition)).isInstanceOf(Notification.Test.class);
  }

  @Test
  void aMissingFieldIsNamedWithItsPathInEachShape() {
    assertThat(malformed(Messages.without(Messages.direct(LAUNCHING, "i-1", "t"), "EC2InstanceId")))
        .isEqualTo(new Notification.Malformed("EC2InstanceId", "missing"));
    assertThat(
            malformed(
                Messages.sns(
                    Messages.without(Messages.direct(LAUNCHING, "i-1", "t"), "LifecycleHookName"))))
        .isEqualTo(new Notification.Malformed("Message.LifecycleHookName", "missing"));
    String eb =
        Messages.eventBridge(LAUNCHING, "i-1", "t")
            .replace("\"AutoScalingGroupName\":\"salt-minions\",", "");
    assertThat(malformed(eb))
        .isEqualTo(new Notification.Malformed("detail.AutoScalingGroupName", "missing"));
  }

  @Test
  void wrongValuesAreNamedAndQuotedBounded() {
    assertThat(malformed("not json").field()).isEqualTo("body");
    assertThat(malformed("[1,2]").problem()).isEqualTo("not a JSON object");
    assertThat(malformed("").field()).isEqualTo("body");
    assertThat(
            malformed(Messages.direct("autoscaling:EC2_INSTANCE_REBOOTING", "i-1", "t")).reason())
        .startsWith("LifecycleTransition: 'autoscaling:EC2_INSTANCE_REBOOTING' is neither");
    assertThat(malformed(Messages.direct(LAUNCHING, "../../etc/passwd", "t")).reason())
        .isEqualTo("EC2InstanceId: '../../etc/passwd' is not an EC2 instance id");
    assertThat(malformed(Messages.direct(LAUNCHING, "i-1", "a/b")).field())
        .isEqualTo("LifecycleActionToken");
    String hugeType =
        Messages.eventBridge(LAUNCHING, "i-1", "t")
            .replace("EC2 Instance-launch Lifecycle Action", "x".repeat(500));
    assertThat(malformed(hugeType).reason()).hasSizeLessThan(300).startsWith("detail-type: 'xxx");
  }

  @Test
  void snsWhoseMessageIsNotJsonAndForeignEventsAreMalformed() {
    String keyValue =
        Messages.sns("x").replace("\"Message\":\"x\"", "\"Message\":\"Service: AWS Auto Scaling\"");
    assertThat(malformed(keyValue).field()).isEqualTo("Message");
    String spot =
        Messages.eventBridge(LAUNCHING, "i-1", "t")
            .replace(
                "EC2 Instance-launch Lifecycle Action", "EC2 Spot Instance Interruption Warning");
    assertThat(malformed(spot).field()).isEqualTo("detail-type");
    String wrongSource =
        Messages.eventBridge(LAUNCHING, "i-1", "t").replace("aws.autoscaling", "aws.ec2");
    assertThat(malformed(wrongSource).field()).isEqualTo("source");
    String contradiction =
        Messages.eventBridge(LAUNCHING, "i-1", "t")
            .replace(
                "\"LifecycleTransition\":\"" + LAUNCHING,
                "\"LifecycleTransition\":\"" + TERMINATING);
    assertThat(malformed(contradiction).field()).isEqualTo("detail.LifecycleTransition");
    String notification =
        Messages.testNotification()
            .replace(NotificationParser.TEST_NOTIFICATION, "autoscaling:EC2_INSTANCE_LAUNCH");
    assertThat(malformed(notification).problem()).contains("not a lifecycle hook");
  }

  @Test
  void anActionIsKeyedByInstanceTransitionAndHookWithOrWithoutAToken() {
    Notification.Action a = action(Messages.direct(TERMINATING, "i-9", null));
    assertThat(a.action().token()).isEmpty();
    assertThat(ActionClaims.key(a.action())).isEqualTo("i-9.TERMINATING.terminate-hook");
    Notification.Action withToken = action(Messages.direct(TERMINATING, "i-9", "tok-9"));
    assertThat(ActionClaims.key(withToken.action())).isEqualTo(ActionClaims.key(a.action()));
    // A hook name a store entry cannot hold ('/') is replaced by a stable hash.
    io.muster.lifecycle.LifecycleAction slashed =
        new io.muster.lifecycle.LifecycleAction(
            "g",
            "team/drain",
            "i-9",
            io.muster.lifecycle.LifecycleTransition.TERMINATING,
            java.util.Optional.empty());
    assertThat(ActionClaims.key(slashed))
        .matches("i-9\\.TERMINATING\\.h[0-9a-f]{24}")
        .isEqualTo(ActionClaims.key(slashed));
  }
}
