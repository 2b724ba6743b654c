package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The .deb and the tarball the package phase built (target/): Debian's own lintian finds no error
 * or warning beyond the justified overrides shipped in the package, both archives hold the same
 * tree with the same modes, and the packaged example configuration is valid.
 */
class DebianPackageIT {
  static Path deb() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      List<Path> debs = s.filter(p -> p.toString().endsWith("_all.deb")).toList();
      assertThat(debs).as("one .deb in target/ (built in the package phase)").hasSize(1);
      return debs.get(0).toAbsolutePath();
    }
  }

  static Path tarball() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      List<Path> tars = s.filter(p -> p.toString().endsWith(".tar.gz")).toList();
      assertThat(tars).as("one tarball in target/").hasSize(1);
      return tars.get(0).toAbsolutePath();
    }
  }

  @Test
  void lintianReportsNoErrorAndNoWarning() throws Exception {
    String out = run("lintian", "--fail-on", "none", "--pedantic", "-I", deb().toString());
    List<String> problems =
        out.lines().filter(l -> l.startsWith("E: ") || l.startsWith("W: ")).toList();
    assertThat(problems).as("lintian said:\n%s", out).isEmpty();
  }

  @Test
  void theDebAndTheTarballHoldTheSameTree() throws Exception {
    assertThat(entries(run("dpkg-deb", "-c", deb().toString()), true))
        .isEqualTo(entries(run("tar", "-tvzf", tarball().toString()), false));
  }

  @Test
  void theTreeHasEveryInstalledPiece() throws Exception {
    String listing = run("dpkg-deb", "-c", deb().toString());
    assertThat(listing)
        .contains("-rwxr-xr-x root/root", "./usr/bin/muster")
        .contains("./usr/share/muster/muster.jar", "./usr/share/muster/muster.classlist")
        .contains("./usr/share/muster/agent-static.classlist")
        .contains("./etc/muster/muster.yaml")
        .contains("./lib/systemd/system/muster.service", "./lib/systemd/system/muster-join.service")
        .contains("./var/lib/muster/", "./var/cache/muster/")
        .contains("./usr/share/man/man1/muster.1.gz")
        .contains("./usr/share/bash-completion/completions/muster")
        .contains("./usr/share/doc/muster/copyright", "./usr/share/doc/muster/changelog.gz");
    assertThat(run("dpkg-deb", "-f", deb().toString(), "Depends")).contains("java17-runtime");
    assertThat(run("dpkg-deb", "-I", deb().toString(), "conffiles").trim())
        .isEqualTo("/etc/muster/muster.yaml");
  }

  @Test
  void theClassListCoversTheAwsPath() throws IOException {
    List<String> classes =
        Files.readAllLines(Path.of("target/deb-root/usr/share/muster/muster.classlist"));
    assertThat(classes)
        .contains("io/muster/cli/Main")
        .contains("software/amazon/awssdk/services/ec2/Ec2Client")
        .contains("io/muster/agent/runtime/AgentRuntime");
    List<String> staticAgent =
        Files.readAllLines(Path.of("target/deb-root/usr/share/muster/agent-static.classlist"));
    // The static/file agent's list: its runtime, and none of the AWS SDK's clients.
    assertThat(staticAgent)
        .contains("io/muster/agent/runtime/AgentRuntime")
        .doesNotContain("software/amazon/awssdk/services/ec2/Ec2Client")
        .isSubsetOf(classes)
        .hasSizeLessThan(classes.size());
  }

  @Test
  void thePackagedExampleIsAValidConfiguration() throws Exception {
    String out =
        run(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            "target/muster.jar",
            "config",
            "check",
            "-c",
            "target/deb-root/etc/muster/muster.yaml");
    assertThat(out).contains("# configuration is valid");
  }

  /** Paths with their type and mode, from a verbose tar listing. */
  private static TreeSet<String> entries(String listing, boolean dotSlash) {
    TreeSet<String> out = new TreeSet<>();
    for (String line : listing.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      String path = f[f.length - 1];
      if (dotSlash) {
        path = path.substring(2);
      }
      if (path.isEmpty()) {
        continue;
      }
      out.add(f[0] + " " + f[1] + " " + f[2] + " " + path);
    }
    return out;
  }

  static String run(String... argv) throws Exception {
    Process p =
        new ProcessBuilder(new ArrayList<>(List.of(argv))).redirectErrorStream(true).start();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String out = new String(bytes, StandardCharsets.ISO_8859_1);
    assertThat(p.exitValue()).as("%s exited %d:\n%s", List.of(argv), p.exitValue(), out).isZero();
    return out;
  }
}
