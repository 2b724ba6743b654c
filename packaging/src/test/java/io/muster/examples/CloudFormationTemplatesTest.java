package io.muster.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The examples' CloudFormation templates: real {@code AWS::} types with their required properties
 * and resolvable references ({@link CloudFormationCheck}), and muster's inline IAM policies equal
 * to the policy files {@link ExamplesIamPolicyTest} holds to {@code muster iam-policy}.
 */
class CloudFormationTemplatesTest {
  static final JsonNode TYPES = read(Examples.ROOT.resolve("ci/cloudformation-types.json"));

  /** The account and region the examples' configurations name (their queue URLs). */
  static final Map<String, String> EXAMPLE_PSEUDO =
      Map.of("AWS::Region", "eu-west-1", "AWS::AccountId", "123456789012", "AWS::Partition", "aws");

  @Test
  void theLifecycleTemplateIsFound() {
    assertThat(Examples.cloudFormationTemplates().stream().map(Examples::relative))
        .contains("examples/lifecycle/cloudformation.yaml");
  }

  @TestFactory
  Stream<DynamicTest> everyTemplateUsesRealTypesWithTheirRequiredProperties() {
    return Examples.cloudFormationTemplates().stream()
        .map(
            t ->
                DynamicTest.dynamicTest(
                    Examples.relative(t),
                    () ->
                        assertThat(CloudFormationCheck.problems(template(t), TYPES))
                            .as(Examples.relative(t))
                            .isEmpty()));
  }

  /** Every inline policy with muster's statements (Sid Muster...) is one of the policy files. */
  @TestFactory
  Stream<DynamicTest> musterPoliciesInTemplatesAreThePrintedOnes() {
    return Examples.cloudFormationTemplates().stream()
        .map(
            t ->
                DynamicTest.dynamicTest(
                    Examples.relative(t),
                    () -> {
                      List<JsonNode> policies = musterPolicies(template(t));
                      assertThat(policies).as("muster policies in " + t).isNotEmpty();
                      List<JsonNode> files = new ArrayList<>();
                      try (Stream<Path> s = Files.list(t.getParent())) {
                        s.filter(p -> p.getFileName().toString().matches("iam-policy.*\\.json"))
                            .forEach(p -> files.add(read(p)));
                      }
                      for (JsonNode p : policies) {
                        assertThat(files)
                            .as(
                                "the template's muster policy is none of the policy files beside it")
                            .contains(CloudFormationCheck.substitutePseudo(p, EXAMPLE_PSEUDO));
                      }
                    }));
  }

  /** The check can fail: an unknown type, a missing required property, a dangling Ref. */
  @Test
  void theCheckRejectsWhatCloudFormationWould() throws Exception {
    JsonNode bad =
        Examples.YAML.readTree(
            String.join(
                "\n",
                "AWSTemplateFormatVersion: '2010-09-09'",
                "Resources:",
                "  Group:",
                "    Type: AWS::AutoScaling::AutoScalingGroup",
                "    Properties:",
                "      MinSize: '1'",
                "      LaunchTemplate: {LaunchTemplateId: {Ref: Template}, Version: '1'}",
                "  Queue:",
                "    Type: AWS::SQS::Queu",
                "  Role:",
                "    Type: AWS::IAM::Role",
                "    Properties:",
                "      AssumeRolePolicyDocument: {}",
                "      Path: {Fn::Sub: '/${AWS::Region}/${Nope}/'}",
                ""));
    assertThat(CloudFormationCheck.problems(bad, TYPES))
        .containsExactlyInAnyOrder(
            "Group (AWS::AutoScaling::AutoScalingGroup): required property MaxSize missing",
            "Queue: type 'AWS::SQS::Queu' is not in examples/ci/cloudformation-types.json (add it"
                + " from the AWS resource reference, with its required properties)",
            "Resources.Group.Properties.LaunchTemplate.LaunchTemplateId: Ref to unknown 'Template'",
            "Resources.Role.Properties.Path: Fn::Sub of unknown 'Nope'");
  }

  private static List<JsonNode> musterPolicies(JsonNode template) {
    List<JsonNode> out = new ArrayList<>();
    template
        .path("Resources")
        .forEach(
            r -> {
              List<JsonNode> docs = new ArrayList<>();
              if (r.path("Type").asText().equals("AWS::IAM::Policy")) {
                docs.add(r.at("/Properties/PolicyDocument"));
              }
              r.at("/Properties/Policies").forEach(p -> docs.add(p.path("PolicyDocument")));
              docs.stream()
                  .filter(
                      d ->
                          d.path("Statement").size() > 0
                              && d.path("Statement")
                                  .get(0)
                                  .path("Sid")
                                  .asText()
                                  .startsWith("Muster"))
                  .forEach(out::add);
            });
    return out;
  }

  private static JsonNode template(Path file) {
    return Examples.yamlDocuments(file).get(0);
  }

  private static JsonNode read(Path p) {
    try {
      return Examples.JSON.readTree(p.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
