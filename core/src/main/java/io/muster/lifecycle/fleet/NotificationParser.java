package io.muster.lifecycle.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleTransition;
import io.muster.lifecycle.fleet.Notification.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one queue message body as a lifecycle notification. Pure: text in, {@link Notification}
 * out; a message that is not a lifecycle action is {@link Notification.Malformed}, naming the field
 * (with the shape's path, e.g. {@code Message.EC2InstanceId} or {@code detail.LifecycleHookName}).
 *
 * <p>The three shapes are told apart by their own markers: an SNS envelope has {@code Type:
 * Notification} and a string {@code Message}; an EventBridge event has {@code detail-type} and a
 * {@code detail} object; anything else is read as Auto Scaling's flat JSON. The test notification
 * is recognised by {@code Event} or {@code LifecycleTransition} (both are seen in the wild).
 */
public final class NotificationParser {
  public static final String TEST_NOTIFICATION = "autoscaling:TEST_NOTIFICATION";
  static final String LAUNCH_EVENT = "EC2 Instance-launch Lifecycle Action";
  static final String TERMINATE_EVENT = "EC2 Instance-terminate Lifecycle Action";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Instance ids, tokens, group and hook names become store entry names and environment values:
   * letters, digits and a few separators only, so a hostile message cannot name a path.
   */
  private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-zA-Z]{1,40}");

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,127}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@+=,-]{0,254}");

  /** Fields handed to hook commands besides the action itself (never the token). */
  private static final String[] DETAILS = {"Origin", "Destination", "Time", "RequestId"};

  public Notification parse(String body) {
    if (body == null || body.isBlank()) {
      return new Notification.Malformed("body", "empty message");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return new Notification.Malformed("body", "not JSON (" + firstLine(e) + ")");
    }
    if (root == null || !root.isObject()) {
      return new Notification.Malformed("body", "not a JSON object");
    }
    if ("Notification".equals(root.path("Type").asText(null)) && root.has("Message")) {
      return sns(root);
    }
    if (root.has("detail-type")) {
      return eventBridge(root);
    }
    return flat(root, "", Shape.DIRECT);
  }

  private Notification sns(JsonNode envelope) {
    JsonNode message = envelope.get("Message");
    if (!message.isTextual()) {
      return new Notification.Malformed("Message", "the SNS Message is not a string");
    }
    JsonNode inner;
    try {
      inner = JSON.readTree(message.asText());
    } catch (JsonProcessingException e) {
      // The API reference says SNS targets may get "key: value" text; every capture is JSON.
      return new Notification.Malformed(
          "Message", "the SNS Message is not JSON (" + firstLine(e) + ")");
    }
    if (inner == null || !inner.isObject()) {
      return new Notification.Malformed("Message", "the SNS Message is not a JSON object");
    }
    return flat(inner, "Message.", Shape.SNS);
  }

  private Notification eventBridge(JsonNode event) {
    String type = event.path("detail-type").asText("");
    LifecycleTransition expected;
    if (LAUNCH_EVENT.equals(type)) {
      expected = LifecycleTransition.LAUNCHING;
    } else if (TERMINATE_EVENT.equals(type)) {
      expected = LifecycleTransition.TERMINATING;
    } else {
      return new Notification.Malformed(
          "detail-type",
          "'"
              + clip(type)
              + "' is not a lifecycle action (route only '"
              + LAUNCH_EVENT
              + "' and '"
              + TERMINATE_EVENT
              + "' to this queue)");
    }
    if (!"aws.autoscaling".equals(event.path("source").asText(""))) {
      return new Notification.Malformed(
          "source", "'" + clip(event.path("source").asText("")) + "' is not aws.autoscaling");
    }
    JsonNode detail = event.get("detail");
    if (detail == null || !detail.isObject()) {
      return new Notification.Malformed("detail", "missing or not an object");
    }
    Notification n = flat(detail, "detail.", Shape.EVENTBRIDGE);
    if (n instanceof Notification.Action a && a.action().transition() != expected) {
      return new Notification.Malformed(
          "detail.LifecycleTransition",
          "'" + a.action().transition().wireName() + "' contradicts detail-type '" + type + "'");
    }
    return n;
  }

  /** Auto Scaling's own fields, at {@code prefix} (for messages) in {@code shape}. */
  private Notification flat(JsonNode n, String prefix, Shape shape) {
    String event = n.path("Event").asText("");
    String transitionText = n.path("LifecycleTransition").asText("");
    if (TEST_NOTIFICATION.equals(event) || TEST_NOTIFICATION.equals(transitionText)) {
      return new Notification.Test(shape, n.path("AutoScalingGroupName").asText(""));
    }
    if (!n.has("LifecycleTransition")) {
      return new Notification.Malformed(
          prefix + "LifecycleTransition",
          "missing"
              + (event.isEmpty()
                  ? ""
                  : " (Event '"
                      + clip(event)
                      + "' is an Auto Scaling notification, not a lifecycle hook)"));
    }
    Optional<LifecycleTransition> transition = LifecycleTransition.fromWireName(transitionText);
    if (transition.isEmpty()) {
      return new Notification.Malformed(
          prefix + "LifecycleTransition",
          "'"
              + clip(transitionText)
              + "' is neither "
              + LifecycleTransition.LAUNCHING.wireName()
              + " nor "
              + LifecycleTransition.TERMINATING.wireName());
    }
    Field instance = required(n, prefix, "EC2InstanceId", INSTANCE_ID, "an EC2 instance id");
    Field group = required(n, prefix, "AutoScalingGroupName", NAME, "a group name");
    Field hook = required(n, prefix, "LifecycleHookName", NAME, "a hook name");
    for (Field f : new Field[] {instance, group, hook}) {
      if (f.problem != null) {
        return f.problem;
      }
    }
    Optional<String> token = Optional.empty();
    JsonNode t = n.get("LifecycleActionToken");
    if (t != null && !t.isNull()) {
      if (!t.isTextual() || !TOKEN.matcher(t.asText()).matches()) {
        return new Notification.Malformed(
            prefix + "LifecycleActionToken", "not a lifecycle action token");
      }
      token = Optional.of(t.asText());
    }
    Map<String, String> details = new LinkedHashMap<>();
    for (String d : DETAILS) {
      JsonNode v = n.get(d);
      if (v != null && v.isValueNode() && !v.isNull()) {
        details.put(d, v.asText());
      }
    }
    JsonNode meta = n.get("NotificationMetadata");
    return new Notification.Action(
        new LifecycleAction(group.value, hook.value, instance.value, transition.get(), token),
        meta == null || meta.isNull() ? "" : meta.isValueNode() ? meta.asText() : meta.toString(),
        shape,
        details);
  }

  private record Field(String value, Notification.Malformed problem) {}

  private static Field required(
      JsonNode n, String prefix, String name, Pattern pattern, String what) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull() || v.asText("").isEmpty()) {
      return new Field(null, new Notification.Malformed(prefix + name, "missing"));
    }
    if (!v.isTextual() || !pattern.matcher(v.asText()).matches()) {
      return new Field(
          null,
          new Notification.Malformed(prefix + name, "'" + clip(v.asText()) + "' is not " + what));
    }
    return new Field(v.asText(), null);
  }

  /** Values quoted in errors are bounded: a hostile message must not flood the log. */
  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  private static String firstLine(JsonProcessingException e) {
    return e.getOriginalMessage().lines().findFirst().orElse("parse error");
  }
}
