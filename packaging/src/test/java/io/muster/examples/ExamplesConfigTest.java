package io.muster.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every muster configuration under examples/ passes {@code muster config check} as an instance
 * would run it: with the node identity instance metadata would give (supplied here, there is none).
 * The checks of the host itself (adapter commands present, directories writable) are skipped with
 * {@code --skip-host-checks}: they hold on the example's image, not on the machine running this.
 */
class ExamplesConfigTest {
  @Test
  void theExamplesConfigurationsAreFound() {
    assertThat(Examples.musterConfigs().stream().map(Examples::relative))
        .contains(
            "examples/ejabberd-asg/muster.yaml",
            "examples/swarm-asg/muster-manager.yaml",
            "examples/swarm-asg/muster-worker.yaml",
            "examples/haproxy-asg/muster.yaml",
            "examples/kubernetes-ejabberd/muster.yaml",
            "examples/lifecycle/controller.yaml");
  }

  @TestFactory
  Stream<DynamicTest> everyExampleConfigurationPassesConfigCheck() {
    return Examples.musterConfigs().stream()
        .map(
            config ->
                DynamicTest.dynamicTest(
                    Examples.relative(config),
                    () -> {
                      var r =
                          Examples.muster(
                              Examples.NODE_OVERRIDES,
                              "config",
                              "check",
                              "--skip-host-checks",
                              "-c",
                              config.toString());
                      assertThat(r.code()).as(r.describe()).isZero();
                      assertThat(r.out()).as(r.describe()).contains("configuration is valid");
                    }));
  }

  /** The check can fail: an example with one wrong value is rejected, naming the key. */
  @Test
  void aBrokenCopyOfAnExampleIsRejected(@TempDir Path dir) throws Exception {
    Path original = Examples.ROOT.resolve("ejabberd-asg/muster.yaml");
    Path broken = dir.resolve("muster.yaml");
    Files.writeString(
        broken, Files.readString(original).replace("min-peers: 3", "min-peers: three"));
    var r = Examples.muster(Examples.NODE_OVERRIDES, "config", "check", "-c", broken.toString());
    assertThat(r.code()).as(r.describe()).isEqualTo(2);
    assertThat(r.err()).contains("election.min-peers");
  }

  /** The StatefulSet mounts the ConfigMap's copy: it must be the file the check above passed. */
  @Test
  void theKubernetesConfigMapHoldsTheCheckedConfiguration() throws Exception {
    Path dir = Examples.ROOT.resolve("kubernetes-ejabberd");
    List<JsonNode> docs = Examples.yamlDocuments(dir.resolve("ejabberd.yaml"));
    JsonNode configMap =
        docs.stream()
            .filter(d -> d.path("kind").asText().equals("ConfigMap"))
            .filter(d -> d.at("/metadata/name").asText().equals("muster"))
            .findFirst()
            .orElseThrow();
    assertThat(configMap.at("/data/muster.yaml").asText())
        .isEqualTo(Files.readString(dir.resolve("muster.yaml")));
  }
}
