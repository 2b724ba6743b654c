package io.muster.lifecycle.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Lifecycle notifications as Auto Scaling, SNS and EventBridge send them (see LIFECYCLE-FACTS). */
public final class Messages {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final String LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING";
  public static final String TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING";

  private Messages() {}

  /** Auto Scaling straight to SQS (or SNS with raw delivery): the real field set. */
  public static String direct(String transition, String instance, String token) {
    return flat(transition, instance, token).toString();
  }

  static ObjectNode flat(String transition, String instance, String token) {
    ObjectNode n = JSON.createObjectNode();
    boolean launch = transition.equals(LAUNCHING);
    n.put("Origin", launch ? "EC2" : "AutoScalingGroup");
    n.put("Destination", launch ? "AutoScalingGroup" : "EC2");
    n.put("LifecycleHookName", launch ? "launch-hook" : "terminate-hook");
    n.put("AccountId", "336463900088");
    n.put("RequestId", "f6e613f0-5d34-4aef-040d-19b78b000e23");
    n.put("LifecycleTransition", transition);
    n.put("AutoScalingGroupName", "salt-minions");
    n.put("Service", "AWS Auto Scaling");
    n.put("Time", "2026-12-10T12:52:08.814Z");
    n.put("EC2InstanceId", instance);
    if (token != null) {
      n.put("LifecycleActionToken", token);
    }
    n.put("NotificationMetadata", "role=minion");
    return n;
  }

  /** The SNS envelope around {@code inner} (raw delivery off). */
  public static String sns(String inner) {
    ObjectNode n = JSON.createObjectNode();
    n.put("Type", "Notification");
    n.put("MessageId", "c87337ab-0000-4000-8000-000000000001");
    n.put("TopicArn", "arn:aws:sns:us-east-1:336463900088:asg-hooks");
    n.put(
        "Subject",
        "Auto Scaling:  Lifecycle action 'TERMINATING' for instance i-4c87e963 in progress.");
    n.put("Message", inner);
    n.put("Timestamp", "2014-12-23T19:17:03.874Z");
    n.put("SignatureVersion", "1");
    n.put("Signature", "c2lnbmF0dXJl");
    n.put("SigningCertURL", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem");
    n.put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe");
    return n.toString();
  }

  /** An EventBridge event of the action. */
  public static String eventBridge(String transition, String instance, String token) {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", "0");
    n.put("id", "12345678-1234-1234-1234-123456789012");
    n.put(
        "detail-type",
        transition.equals(LAUNCHING)
            ? "EC2 Instance-launch Lifecycle Action"
            : "EC2 Instance-terminate Lifecycle Action");
    n.put("source", "aws.autoscaling");
    n.put("account", "123456789012");
    n.put("time", "2026-12-10T12:52:08Z");
    n.put("region", "us-west-2");
    n.putArray("resources").add("arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:x");
    ObjectNode d = n.putObject("detail");
    d.put("LifecycleActionToken", token);
    d.put("AutoScalingGroupName", "salt-minions");
    d.put("LifecycleHookName", "my-lifecycle-hook");
    d.put("EC2InstanceId", instance);
    d.put("LifecycleTransition", transition);
    d.put("NotificationMetadata", "additional-info");
    return n.toString();
  }

  /** The test notification sent when a hook's target is set (a real capture's fields). */
  public static String testNotification() {
    return "{\"AccountId\":\"006467937747\",\"RequestId\":\"4781ed87-354a-11e9-9f76-cb62a7958e88\","
        + "\"AutoScalingGroupARN\":\"arn:aws:autoscaling:us-west-2:006467937747:autoScalingGroupName/salt-minions\","
        + "\"AutoScalingGroupName\":\"salt-minions\",\"Service\":\"AWS Auto Scaling\","
        + "\"Event\":\"autoscaling:TEST_NOTIFICATION\",\"Time\":\"2019-02-20T20:01:15.747Z\"}";
  }

  /** {@code body} with {@code field} removed (at the top level, or in detail / the SNS Message). */
  public static String without(String body, String field) {
    try {
      ObjectNode n = (ObjectNode) JSON.readTree(body);
      n.remove(field);
      return n.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
