package io.muster.cli;

import static io.muster.cli.MainTest.EXAMPLE;
import static io.muster.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.cli.MainTest.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LifecycleCommandTest {
  static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/asg-hooks";

  static List<String> statements(JsonNode policy) {
    List<String> out = new ArrayList<>();
    policy
        .at("/Statement")
        .forEach(
            s ->
                out.add(
                    s.at("/Sid").asText()
                        + " "
                        + s.at("/Action")
                        + " "
                        + s.at("/Resource").asText()));
    return out;
  }

  @Test
  void iamPolicyAddsExactlyTheControllersQueueAndCompletionActions() throws Exception {
    Run r =
        run(
            Map.of("MUSTER_LIFECYCLE_CONTROLLER_QUEUE_URL", QUEUE),
            "iam-policy",
            "-c",
            EXAMPLE,
            "--discovery",
            "static");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(statements(new ObjectMapper().readTree(r.out())))
        .containsExactly(
            "MusterLifecycleQueue [\"sqs:ChangeMessageVisibility\",\"sqs:DeleteMessage\",\"sqs:ReceiveMessage\"]"
                + " arn:aws:sqs:eu-west-1:123456789012:asg-hooks",
            "MusterLifecycleActions [\"autoscaling:CompleteLifecycleAction\"] *",
            // a launching instance's MUSTER_PRIVATE_ADDRESS (address-wait defaults to 30s)
            "MusterLifecycleAddresses [\"ec2:DescribeInstances\"] *");
  }

  @Test
  void theReconcileAddsDescribeGroupsAndHooksAndNoLookupDropsDescribeInstances() throws Exception {
    Run r =
        run(
            Map.of(
                "MUSTER_LIFECYCLE_CONTROLLER_QUEUE_URL",
                QUEUE,
                "MUSTER_LIFECYCLE_CONTROLLER_GROUPS",
                "salt-minions",
                "MUSTER_LIFECYCLE_CONTROLLER_ADDRESS_WAIT",
                "0s"),
            "iam-policy",
            "-c",
            EXAMPLE,
            "--discovery",
            "static");
    assertThat(r.code()).as(r.err()).isZero();
    List<String> statements = statements(new ObjectMapper().readTree(r.out()));
    assertThat(statements)
        .contains(
            "MusterLifecycleReconcile [\"autoscaling:DescribeAutoScalingGroups\","
                + "\"autoscaling:DescribeLifecycleHooks\"] *")
        .noneMatch(s -> s.startsWith("MusterLifecycleAddresses"));
    Run off =
        run(
            Map.of(
                "MUSTER_LIFECYCLE_CONTROLLER_QUEUE_URL",
                QUEUE,
                "MUSTER_LIFECYCLE_CONTROLLER_GROUPS",
                "salt-minions",
                "MUSTER_LIFECYCLE_CONTROLLER_RECONCILE_INTERVAL",
                "0s"),
            "iam-policy",
            "-c",
            EXAMPLE,
            "--discovery",
            "static");
    assertThat(statements(new ObjectMapper().readTree(off.out())))
        .noneMatch(s -> s.startsWith("MusterLifecycleReconcile"));
  }

  @Test
  void aDeadLetterQueueAndHeartbeatsAddSendAndHeartbeat() throws Exception {
    Run r =
        run(
            Map.of(
                "MUSTER_LIFECYCLE_CONTROLLER_QUEUE_URL",
                QUEUE,
                "MUSTER_LIFECYCLE_CONTROLLER_DEAD_LETTER_QUEUE_URL",
                QUEUE + "-dlq",
                "MUSTER_LIFECYCLE_CONTROLLER_HEARTBEAT_INTERVAL",
                "5m"),
            "iam-policy",
            "-c",
            EXAMPLE,
            "--discovery",
            "static");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(statements(new ObjectMapper().readTree(r.out())))
        .contains(
            "MusterLifecycleDeadLetterQueue [\"sqs:SendMessage\"]"
                + " arn:aws:sqs:eu-west-1:123456789012:asg-hooks-dlq",
            "MusterLifecycleActions [\"autoscaling:CompleteLifecycleAction\","
                + "\"autoscaling:RecordLifecycleActionHeartbeat\"] *");
  }

  @Test
  void forTheControllerAloneThePolicyHasNoDiscoveryAndNoInstanceHookButTheStore() throws Exception {
    Map<String, String> controller =
        Map.of(
            "MUSTER_LIFECYCLE_CONTROLLER_QUEUE_URL",
            QUEUE,
            "MUSTER_STORE_PROVIDER",
            "ssm",
            "MUSTER_LIFECYCLE_LAUNCH_HOOK",
            "muster-launch",
            "MUSTER_LIFECYCLE_ENABLED",
            "true",
            "MUSTER_DISCOVERY_EC2_TAGS_TAGS",
            "cluster=chat");
    assertThat(policy(controller))
        .anyMatch(s -> s.startsWith("MusterDiscovery [\"ec2:DescribeInstances\"]"))
        .anyMatch(
            s -> s.startsWith("MusterLifecycleHooks [\"autoscaling:CompleteLifecycleAction\""))
        .anyMatch(s -> s.startsWith("MusterLifecycleQueue "));
    assertThat(policy(controller, "--for", "lifecycle"))
        .noneMatch(s -> s.startsWith("MusterDiscovery"))
        .noneMatch(s -> s.startsWith("MusterLifecycleHooks"))
        .noneMatch(s -> s.startsWith("MusterLifecycleDescribe"))
        .anyMatch(s -> s.startsWith("MusterCredentialStore [") && s.contains("ssm:PutParameter"))
        .anyMatch(s -> s.startsWith("MusterLifecycleQueue "))
        .anyMatch(s -> s.startsWith("MusterLifecycleActions "));
    assertThat(policy(controller, "--for", "instance"))
        .anyMatch(s -> s.startsWith("MusterDiscovery "))
        .anyMatch(s -> s.startsWith("MusterLifecycleHooks "))
        .noneMatch(s -> s.startsWith("MusterLifecycleQueue"))
        .noneMatch(s -> s.startsWith("MusterLifecycleActions"));
  }

  /** The statements `iam-policy` prints for the example with ec2-tags discovery and {@code env}. */
  private static List<String> policy(Map<String, String> env, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("iam-policy", "-c", EXAMPLE, "--discovery", "ec2-tags"));
    args.addAll(List.of(extra));
    Run r = run(env, args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    return statements(new ObjectMapper().readTree(r.out()));
  }

  @Test
  void theControllersPolicyWithoutAQueueNamesTheMissingKey() throws Exception {
    Run r = run("iam-policy", "-c", EXAMPLE, "--discovery", "static", "--for", "lifecycle");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("lifecycle.controller.queue-url").contains("--for lifecycle");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void withoutAQueueThePolicyHasNoControllerStatement() throws Exception {
    Run r = run("iam-policy", "-c", EXAMPLE, "--discovery", "static");
    assertThat(r.out()).doesNotContain("Lifecycle");
  }

  @Test
  void queueArnsOfOtherEndpointsKeepOnlyTheName() {
    assertThat(FleetControllerPolicy.queueArn("http://127.0.0.1:9324/000000000000/hooks"))
        .isEqualTo("arn:aws:sqs:*:*:hooks");
  }

  @Test
  void lifecycleWithoutAQueueIsAConfigurationErrorNamingTheKey() {
    Run r = run("lifecycle", "-c", EXAMPLE);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("lifecycle.controller.queue-url is required");
  }

  @Test
  void lifecycleRefusesAStoreThatCannotHoldClaimsBeforeContactingAnything() {
    Run r =
        run(
            Map.of(
                "MUSTER_LIFECYCLE_CONTROLLER_QUEUE_URL",
                QUEUE,
                "MUSTER_STORE_PROVIDER",
                "secretsmanager"),
            "lifecycle",
            "-c",
            EXAMPLE,
            "--region",
            "eu-west-1");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("store.provider", "cannot hold", "ssm or file");
  }
}
