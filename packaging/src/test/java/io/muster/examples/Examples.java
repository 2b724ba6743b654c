package io.muster.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.muster.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The repository's examples/ tree as the example checks see it: which files are muster
 * configurations, CloudFormation templates, Terraform and Packer files, and running {@code muster}
 * on them in-process.
 */
final class Examples {
  /** The tests run in packaging/; the examples live at the repository's top. */
  static final Path ROOT = Path.of("..", "examples").toAbsolutePath().normalize();

  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a test supplies where an instance would ask IMDSv2 (no instance metadata here): the
   * identity of one made-up instance. Muster's own metadata lookups go to a closed loopback port,
   * so a configuration that still needed them fails instead of reaching 169.254.169.254.
   */
  static final Map<String, String> NODE_OVERRIDES =
      Map.of(
          "MUSTER_NODE_INSTANCE_ID", "i-0123456789abcdef0",
          "MUSTER_NODE_ADDRESS", "10.0.1.10",
          "MUSTER_NODE_HOSTNAME", "ip-10-0-1-10.eu-west-1.compute.internal",
          "MUSTER_NODE_REGION", "eu-west-1",
          "MUSTER_NODE_AVAILABILITY_ZONE", "eu-west-1a",
          "MUSTER_NODE_AUTO_SCALING_GROUP", "example-group",
          "MUSTER_NODE_IMDS_ENDPOINT", "http://127.0.0.1:9");

  private Examples() {}

  /** Every file under examples/ (the CI tools' node_modules aside), in a stable order. */
  static List<Path> files() {
    try (Stream<Path> s = Files.walk(ROOT)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !ROOT.relativize(p).toString().contains("node_modules"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> withSuffix(String suffix) {
    return files().stream().filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
  }

  /** Every YAML document of a file (Kubernetes manifests hold several). */
  static List<JsonNode> yamlDocuments(Path file) {
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      List<JsonNode> docs = new ArrayList<>();
      YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The muster configurations: every YAML file whose one document is a mapping with a {@code
   * cluster} section (what every muster configuration names), whatever the file is called.
   */
  static List<Path> musterConfigs() {
    return withSuffix(".yaml").stream()
        .filter(
            p -> {
              List<JsonNode> docs = yamlDocuments(p);
              return docs.size() == 1 && docs.get(0).isObject() && docs.get(0).has("cluster");
            })
        .toList();
  }

  /** CloudFormation templates: YAML files with AWSTemplateFormatVersion at the top. */
  static List<Path> cloudFormationTemplates() {
    return withSuffix(".yaml").stream()
        .filter(
            p -> {
              List<JsonNode> docs = yamlDocuments(p);
              return docs.size() == 1 && docs.get(0).has("AWSTemplateFormatVersion");
            })
        .toList();
  }

  /**
   * The policy file kept beside a configuration: muster.yaml -> iam-policy.json, muster-X.yaml ->
   * iam-policy-X.json, any other NAME.yaml -> iam-policy-NAME.json.
   */
  static Path policyFileOf(Path config) {
    String stem = config.getFileName().toString().replaceFirst("\\.yaml$", "");
    String suffix =
        stem.equals("muster") ? "" : "-" + (stem.startsWith("muster-") ? stem.substring(7) : stem);
    return config.resolveSibling("iam-policy" + suffix + ".json");
  }

  static String relative(Path p) {
    return ROOT.getParent().relativize(p).toString();
  }

  record Run(int code, String out, String err) {
    String describe() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** {@code muster ARGS} in this JVM with exactly {@code env} as its environment. */
  static Run muster(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** The environment no instance metadata can leak into: only the closed IMDS port. */
  static Map<String, String> noMetadata() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MUSTER_NODE_IMDS_ENDPOINT", "http://127.0.0.1:9");
    return env;
  }
}
