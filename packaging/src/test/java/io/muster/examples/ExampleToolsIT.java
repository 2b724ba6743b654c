package io.muster.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples through the real tools CI installs (.ci/run): yamllint with the committed
 * examples/.yamllint.yaml, Debian's packer ({@code packer validate}), HashiCorp's HCL parser for
 * Terraform (examples/ci/check-hcl.js, @cdktf/hcl2json, installed by {@code npm ci --prefix
 * examples/ci}) and HAProxy's own configuration check. Each tool is also shown a broken file, so a
 * tool that checks nothing cannot pass. Nothing here reaches the network: packer's update check is
 * off and validate calls no AWS API.
 */
class ExampleToolsIT {
  static final Path REPO = Examples.ROOT.getParent();

  record Result(int code, String out) {}

  static Result run(Path dir, List<String> command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("MUSTER_"));
    env.put("CHECKPOINT_DISABLE", "1"); // packer's update check
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    Path out = Files.createTempFile("example-tool", ".out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish in 120 s");
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    return new Result(p.exitValue(), text);
  }

  @Test
  void yamlPassesYamllintWithTheCommittedConfig(@TempDir Path tmp) throws Exception {
    Result r =
        run(REPO, List.of("yamllint", "--strict", "-c", "examples/.yamllint.yaml", "examples"));
    assertThat(r.code()).as(r.out()).isZero();

    Files.writeString(tmp.resolve("bad.yaml"), "a: [1, 2\nb:  3\n");
    Result bad =
        run(REPO, List.of("yamllint", "--strict", "-c", "examples/.yamllint.yaml", tmp.toString()));
    assertThat(bad.code()).as(bad.out()).isNotZero();
  }

  @Test
  void packerTemplatesValidate(@TempDir Path tmp) throws Exception {
    Path deb = Files.writeString(tmp.resolve("muster.deb"), "stand-in: validate only stats it\n");
    List<Path> dirs =
        Examples.withSuffix(".pkr.hcl").stream().map(Path::getParent).distinct().toList();
    assertThat(dirs.stream().map(Examples::relative)).contains("examples/ejabberd-asg/packer");
    for (Path dir : dirs) {
      Result r = run(dir, List.of("packer", "validate", "-var", "muster_deb=" + deb, "."));
      assertThat(r.code()).as(dir + ":\n" + r.out()).isZero();
    }

    Path broken = Files.createDirectory(tmp.resolve("broken"));
    for (Path f : Files.list(dirs.get(0)).toList()) {
      String text = Files.readString(f).replaceAll("(?m)^\\s*ami_name\\s*=.*$", "");
      Files.writeString(broken.resolve(f.getFileName()), text);
    }
    Result bad = run(broken, List.of("packer", "validate", "-var", "muster_deb=" + deb, "."));
    assertThat(bad.code()).as(bad.out()).isNotZero();
    assertThat(bad.out()).contains("ami_name");
  }

  @Test
  void terraformParsesAndDeclaresWhatTheExamplesPromise(@TempDir Path tmp) throws Exception {
    List<Path> tf = Examples.withSuffix(".tf");
    assertThat(tf).isNotEmpty();
    JsonNode parsed = parseHcl(tf);

    for (Path f : tf) {
      JsonNode file = parsed.get(f.toString());
      // Lifecycle hooks only as initial_lifecycle_hook: a separately declared hook misses the
      // group's first instances.
      assertThat(file.path("resource").has("aws_autoscaling_lifecycle_hook"))
          .as(f + " declares a lifecycle hook outside its group")
          .isFalse();
      // Every file the configuration reads (policies, user-data, muster.yaml) exists.
      Matcher m =
          Pattern.compile("(?:file|filebase64|templatefile)\\(\"\\$\\{path\\.module}/([^\"]+)\"")
              .matcher(Files.readString(f));
      while (m.find()) {
        assertThat(f.getParent().resolve(m.group(1))).as(f + " reads " + m.group(1)).exists();
      }
    }

    JsonNode main = parsed.get(Examples.ROOT.resolve("ejabberd-asg/terraform/main.tf").toString());
    JsonNode group = main.at("/resource/aws_autoscaling_group/ejabberd/0");
    JsonNode config =
        Examples.YAML.readTree(Examples.ROOT.resolve("ejabberd-asg/muster.yaml").toFile());
    List<String> hooks = new ArrayList<>();
    group
        .path("initial_lifecycle_hook")
        .forEach(
            h ->
                hooks.add(h.path("name").asText() + " " + h.path("lifecycle_transition").asText()));
    assertThat(hooks)
        .containsExactlyInAnyOrder(
            config.at("/lifecycle/launch-hook").asText() + " autoscaling:EC2_INSTANCE_LAUNCHING",
            config.at("/lifecycle/terminate-hook").asText()
                + " autoscaling:EC2_INSTANCE_TERMINATING");
    String name = group.path("name").asText(); // "${local.group}": the locals block names it
    if (name.startsWith("${local.")) {
      name = main.at("/locals/0/" + name.substring(8, name.length() - 1)).asText();
    }
    assertThat(name)
        .as("the group muster.yaml scopes its hook permissions to")
        .isEqualTo(config.at("/node/auto-scaling-group").asText());

    Path bad = Files.writeString(tmp.resolve("bad.tf"), "resource \"aws_x\" \"y\" {\n  a = = 1\n");
    Result r = run(REPO, List.of("node", hclChecker().toString(), bad.toString()));
    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).contains("bad.tf").contains("does not parse");
  }

  @Test
  void theHaproxyExampleConfigurationIsValid(@TempDir Path tmp) throws Exception {
    Path cfg = Examples.ROOT.resolve("haproxy-asg/haproxy.cfg");
    Result r = run(REPO, List.of("haproxy", "-c", "-f", cfg.toString()));
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(Files.readString(cfg))
        .contains("# BEGIN muster servers")
        .contains("# END muster servers")
        .contains("level admin");

    Path bad =
        Files.writeString(
            tmp.resolve("bad.cfg"),
            Files.readString(cfg).replace("balance roundrobin", "balance sometimes"));
    assertThat(run(REPO, List.of("haproxy", "-c", "-f", bad.toString())).code()).isNotZero();
  }

  private static Path hclChecker() {
    Path script = Examples.ROOT.resolve("ci/check-hcl.js");
    assertThat(Examples.ROOT.resolve("ci/node_modules/@cdktf/hcl2json"))
        .as("the HCL parser is missing: npm ci --prefix examples/ci (.ci/run does this)")
        .exists();
    return script;
  }

  private static JsonNode parseHcl(List<Path> files) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", hclChecker().toString()));
    files.forEach(f -> command.add(f.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile());
    Path err = Files.createTempFile("check-hcl", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String errors = Files.readString(err);
    Files.delete(err);
    assertThat(p.exitValue()).as(errors).isZero();
    try {
      return Examples.JSON.readTree(out);
    } catch (IOException e) {
      throw new AssertionError("check-hcl.js printed no JSON: " + errors, e);
    }
  }
}
