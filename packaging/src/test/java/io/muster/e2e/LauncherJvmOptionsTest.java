package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options the package's launcher ({@code /usr/bin/muster}) chooses: which class-data
 * archive it maps (the static/file agent's own for {@code agent} and {@code join} of a
 * configuration without AWS, the archive of every path otherwise), the heap sizing of every command
 * but {@code simulate}, verification of what the archive lacks, and the daemons' options for giving
 * memory back. The real script runs under {@code /bin/sh} with its cache directory pointed at a
 * scratch one and a stand-in {@code java} that prints its arguments.
 */
class LauncherJvmOptionsTest {
  static final Path LAUNCHER = Path.of("src", "deb", "root", "usr", "bin", "muster");

  static final String STATIC_CONFIG =
      """
      # discovery:
      #   provider: ec2-tags     (a comment: not what this file selects)
      cluster:
        name: demo
      discovery:
        provider: static
        static:
          peers: [n1=10.0.0.10]
      store:
        provider: "file"   # quoted, with a comment
        file:
          dir: /var/lib/muster/store
      """;

  static final String AWS_CONFIG =
      """
      discovery:
        provider: ec2-tags
        ec2-tags:
          tags: {cluster: demo}
      store:
        provider: ssm
      """;

  @TempDir Path dir;
  Path cache;
  Path launcher;
  Path staticConfig;
  Path awsConfig;

  @BeforeEach
  void setUp() throws IOException {
    cache = Files.createDirectories(dir.resolve("cache"));
    Files.writeString(cache.resolve("muster.jsa"), "every path");
    Files.writeString(cache.resolve("agent-static.jsa"), "static agent");
    launcher = dir.resolve("muster");
    Files.writeString(
        launcher,
        Files.readString(LAUNCHER).replace("cache=/var/cache/muster", "cache=" + cache),
        StandardCharsets.UTF_8);
    Path bin = Files.createDirectories(dir.resolve("jdk/bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    staticConfig = dir.resolve("static.yaml");
    Files.writeString(staticConfig, STATIC_CONFIG);
    awsConfig = dir.resolve("aws.yaml");
    Files.writeString(awsConfig, AWS_CONFIG);
  }

  @Test
  void aStaticFileAgentMapsTheStaticAgentsArchive() throws Exception {
    assertThat(archive("agent", "-c", staticConfig.toString())).isEqualTo("agent-static.jsa");
    assertThat(archive("join", "--config=" + staticConfig)).isEqualTo("agent-static.jsa");
  }

  @Test
  void everythingElseMapsTheArchiveOfEveryPath() throws Exception {
    assertThat(archive("agent", "-c", awsConfig.toString())).isEqualTo("muster.jsa");
    // A flag or a variable overrides the file, as in muster itself.
    assertThat(archive("agent", "-c", staticConfig.toString(), "--discovery", "ec2-tags"))
        .isEqualTo("muster.jsa");
    assertThat(archive(Map.of("MUSTER_STORE_PROVIDER", "ssm"), "agent", "-c", staticConfig + ""))
        .isEqualTo("muster.jsa");
    // Static discovery with the default store (ssm) is an AWS agent.
    Path staticSsm = dir.resolve("static-ssm.yaml");
    Files.writeString(staticSsm, "discovery:\n  provider: static\n");
    assertThat(archive("agent", "-c", staticSsm.toString())).isEqualTo("muster.jsa");
    // The one-shot commands.
    assertThat(archive("peers", "-c", staticConfig.toString())).isEqualTo("muster.jsa");
    // No static agent's archive (not made): the archive of every path.
    Files.delete(cache.resolve("agent-static.jsa"));
    assertThat(archive("agent", "-c", staticConfig.toString())).isEqualTo("muster.jsa");
  }

  @Test
  void theVariablesOfAStaticAgentMakeItOneToo() throws Exception {
    assertThat(
            archive(
                Map.of("MUSTER_DISCOVERY_PROVIDER", "static", "MUSTER_STORE_PROVIDER", "file"),
                "agent",
                "-c",
                awsConfig.toString()))
        .isEqualTo("agent-static.jsa");
  }

  @Test
  void everyCommandButTheSimulationGetsASmallYoungGeneration() throws Exception {
    List<String> peers = jvmArgs(Map.of(), "peers", "-c", staticConfig.toString());
    assertThat(peers)
        .contains("-Xmn1m", "-Xmx256m")
        .doesNotContain("-XX:CompileThresholdScaling=3");
    // The daemons compile less (memory), the one-shot commands as the JVM does (time).
    assertThat(jvmArgs(Map.of(), "agent", "-c", staticConfig.toString()))
        .contains("-Xmn1m", "-Xmx256m", "-XX:CompileThresholdScaling=3");
    assertThat(jvmArgs(Map.of(), "simulate", "--nodes", "3"))
        .doesNotContain("-Xmn1m", "-Xmx256m", "-XX:CompileThresholdScaling=3");
    // MUSTER_JAVA_OPTS comes after the defaults, so the JVM takes it (the last one wins).
    List<String> units = jvmArgs(Map.of("MUSTER_JAVA_OPTS", "-Xms8m -Xmx64m"), "agent");
    assertThat(units.lastIndexOf("-Xmx64m")).isGreaterThan(units.indexOf("-Xmx256m"));
  }

  @Test
  void everyCommandLeavesWhatTheArchiveLacksUnverified() throws Exception {
    // The SDK's generated clients are left out of the class list on purpose (ClassListTraining):
    // verifying one loads every operation's request and response class.
    for (String command : List.of("peers", "agent", "join", "lifecycle", "simulate")) {
      List<String> args = jvmArgs(Map.of(), command, "-c", staticConfig.toString());
      assertThat(args)
          .as(command)
          .contains("-XX:-BytecodeVerificationRemote")
          .contains("-XX:+UnlockDiagnosticVMOptions");
      assertThat(args.indexOf("-XX:+UnlockDiagnosticVMOptions"))
          .as("a diagnostic option needs the unlock first")
          .isLessThan(args.indexOf("-XX:-BytecodeVerificationRemote"));
    }
  }

  @Test
  void theDaemonsGiveMemoryBackWhereTheJdkCan() throws Exception {
    // The stand-in JDK has no libjvm.so that names the trim option (a JDK 17 before 17.0.15):
    // the daemons go without it, as such a JVM would refuse to start with it.
    List<String> agent = jvmArgs(Map.of(), "agent", "-c", staticConfig.toString());
    assertThat(agent)
        .contains("-XX:MaxHeapFreeRatio=20", "-XX:MinHeapFreeRatio=10")
        .noneMatch(a -> a.startsWith("-XX:TrimNativeHeapInterval"));
    Path server = Files.createDirectories(dir.resolve("jdk/lib/server"));
    Files.write(server.resolve("libjvm.so"), "\0ELF...TrimNativeHeapInterval\0...".getBytes());
    assertThat(jvmArgs(Map.of(), "agent", "-c", staticConfig.toString()))
        .contains("-XX:TrimNativeHeapInterval=5000", "-XX:MaxHeapFreeRatio=20");
    assertThat(jvmArgs(Map.of(), "lifecycle")).contains("-XX:TrimNativeHeapInterval=5000");
    // The one-shot commands end before there is anything to give back.
    assertThat(jvmArgs(Map.of(), "peers", "-c", staticConfig.toString()))
        .noneMatch(a -> a.startsWith("-XX:TrimNativeHeapInterval") || a.contains("HeapFreeRatio"));
  }

  private String archive(String... args) throws Exception {
    return archive(Map.of(), args);
  }

  private String archive(Map<String, String> env, String... args) throws Exception {
    return jvmArgs(env, args).stream()
        .filter(a -> a.startsWith("-XX:SharedArchiveFile="))
        .map(a -> Path.of(a.substring("-XX:SharedArchiveFile=".length())))
        .peek(p -> assertThat(p.getParent()).isEqualTo(cache))
        .map(p -> p.getFileName().toString())
        .findFirst()
        .orElse("none");
  }

  /** The launcher's arguments to java, up to the main class. */
  private List<String> jvmArgs(Map<String, String> env, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", launcher.toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("MUSTER_"));
    pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<String> lines = out.lines().toList();
    int main = lines.indexOf("io.muster.cli.Main");
    assertThat(main).as(out).isPositive();
    return lines.subList(0, main);
  }
}
