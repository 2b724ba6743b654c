package io.muster.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The IAM policy each example deploys is what {@code muster iam-policy} prints for that example's
 * configuration: a configuration that needs any AWS permission keeps its policy beside it ({@link
 * Examples#policyFileOf}), equal as JSON, and the example's deployment files use it. A fleet
 * controller's configuration ({@code controller.yaml}) is printed with {@code --for lifecycle}: the
 * management host runs only {@code muster lifecycle}.
 */
class ExamplesIamPolicyTest {
  @TestFactory
  Stream<DynamicTest> everyExamplesPolicyIsWhatMusterPrints() {
    return Examples.musterConfigs().stream()
        .map(
            config ->
                DynamicTest.dynamicTest(
                    Examples.relative(config),
                    () -> {
                      JsonNode printed = printedPolicy(config);
                      Path file = Examples.policyFileOf(config);
                      if (printed.path("Statement").isEmpty() && !Files.exists(file)) {
                        return; // needs no AWS permission (static discovery, file store)
                      }
                      assertThat(file)
                          .as(
                              "%s needs AWS permissions: keep `muster iam-policy -c %s` in %s",
                              config, config.getFileName(), file.getFileName())
                          .exists();
                      assertThat(Examples.JSON.readTree(file.toFile()))
                          .as(
                              "%s drifted from `muster iam-policy -c %s`, which prints:%n%s",
                              Examples.relative(file),
                              config.getFileName(),
                              printed.toPrettyString())
                          .isEqualTo(printed);
                    }));
  }

  /** A policy file nobody deploys is a policy that drifts unseen. */
  @TestFactory
  Stream<DynamicTest> everyPolicyFileIsUsedByItsExample() {
    return Examples.files().stream()
        .filter(p -> p.getFileName().toString().matches("iam-policy.*\\.json"))
        .map(
            policy ->
                DynamicTest.dynamicTest(
                    Examples.relative(policy),
                    () ->
                        assertThat(mentions(policy))
                            .as(
                                "no Terraform file, CloudFormation template or README of %s uses %s",
                                policy.getParent(), policy.getFileName())
                            .isTrue()));
  }

  /** The check can fail: a policy that lost one action differs from what muster prints. */
  @Test
  void aPolicyMissingAnActionDiffers() throws Exception {
    Path config = Examples.ROOT.resolve("ejabberd-asg/muster.yaml");
    JsonNode printed = printedPolicy(config);
    var edited = printed.deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) edited.at("/Statement/0/Action")).remove(0);
    assertThat(edited).isNotEqualTo(printed);
    assertThat(Examples.JSON.readTree(Examples.policyFileOf(config).toFile())).isNotEqualTo(edited);
  }

  static JsonNode printedPolicy(Path config) throws IOException {
    // The example's own configuration only: no node identity from the test, so that what is
    // scoped (the group of the lifecycle hooks) comes from the file, as on an instance.
    List<String> args = new ArrayList<>(List.of("iam-policy", "-c", config.toString()));
    // A fleet controller's configuration (controller.yaml) is the management host's role alone.
    if (config.getFileName().toString().equals("controller.yaml")) {
      args.addAll(List.of("--for", "lifecycle"));
    }
    var r = Examples.muster(Examples.noMetadata(), args.toArray(String[]::new));
    assertThat(r.code()).as(r.describe()).isZero();
    return Examples.JSON.readTree(r.out());
  }

  private static boolean mentions(Path policy) {
    String name = policy.getFileName().toString();
    try (Stream<Path> s = Files.walk(policy.getParent())) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.equals(policy))
          .anyMatch(
              p -> {
                try {
                  return Files.readString(p).contains(name);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
