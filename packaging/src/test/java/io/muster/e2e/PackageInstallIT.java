package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Installs the built .deb on this Debian 12 machine with the real dpkg, as root: install, then
 * {@code muster --version} and {@code muster peers} on the packaged example, the system user and
 * the class-data archive (which the JVM must accept), the JDK trigger remaking the archive, an
 * upgrade to a newer build that keeps the operator's edit of the conffile, and a purge after which
 * every file, directory, user and group the package made is gone: the file tree under /etc, /usr,
 * /var/lib and /var/cache is listed before and after and must be the same. The package is purged in
 * {@code finally} too, so a failing run leaves the machine as it found it.
 *
 * <p>Needs root; run it under the IT lock ({@code flock /tmp/muster-it.lock}).
 */
class PackageInstallIT {
  static final Path LAUNCHER = Path.of("/usr/bin/muster");
  static final Path ARCHIVE = Path.of("/var/cache/muster/muster.jsa");
  static final Path STATIC_AGENT_ARCHIVE = Path.of("/var/cache/muster/agent-static.jsa");
  static final Path CONFFILE = Path.of("/etc/muster/muster.yaml");
  static final List<String> SNAPSHOT_ROOTS = List.of("/etc", "/usr", "/var/lib", "/var/cache");

  /**
   * Not compared: dpkg's and apt's own databases (checked through dpkg-query instead), caches that
   * man-db and debconf rebuild, the daemons other tests start, and the backup copies of the user
   * database that adduser/deluser rewrite (the users and groups are checked by name).
   */
  static final List<String> NOT_COMPARED =
      List.of(
          "/var/lib/dpkg",
          "/var/lib/apt",
          "/var/cache/apt",
          "/var/cache/man",
          "/var/cache/debconf",
          "/var/lib/docker",
          "/var/lib/containerd",
          "/var/lib/ejabberd",
          "/etc/passwd-",
          "/etc/group-",
          "/etc/shadow-",
          "/etc/gshadow-");

  static final Map<String, String> ENV =
      Map.of(
          // no instance metadata: the packaged example sets this node's identity
          "MUSTER_NODE_IMDS_ENDPOINT", "http://127.0.0.1:9", "AWS_EC2_METADATA_DISABLED", "true");

  record Run(int code, String out) {}

  @Test
  void installUpgradeAndPurgeLeaveNothingBehind() throws Exception {
    requireRootAndNoMuster();
    Path deb = DebianPackageIT.deb();
    Path work = Files.createTempDirectory("muster-install");
    Path newer = bumped(deb, work);
    Set<String> before = snapshot();
    try {
      ok("dpkg", "-i", deb.toString());

      // The command, its version, and a real command on the packaged example.
      String version = ok(LAUNCHER.toString(), "--version").trim();
      assertThat(version).isEqualTo("muster " + projectVersion());
      assertThat(ok(LAUNCHER.toString(), "peers", "-c", CONFFILE.toString()))
          .contains("decision:", "seed:      10.0.0.9");
      // With no -c, /etc/muster/muster.yaml is the configuration.
      assertThat(ok(LAUNCHER.toString(), "peers")).contains("decision:");
      assertThat(ok(LAUNCHER.toString(), "config", "check")).contains("configuration is valid");
      assertThat(ok("man", "-P", "cat", "muster")).contains("muster peers");

      // The system user and its state directory.
      String passwd = ok("getent", "passwd", "muster");
      assertThat(passwd).contains(":/var/lib/muster:").contains("nologin");
      assertThat(ok("stat", "-c", "%U:%G %a", "/var/lib/muster").trim())
          .isEqualTo("muster:muster 750");

      // The class-data archive made at install, accepted by the JVM: with -Xshare:on a JVM
      // that cannot use it refuses to start instead of silently running without.
      assertThat(ARCHIVE).isRegularFile();
      assertThat(ok("stat", "-c", "%U %a", ARCHIVE.toString()).trim()).isEqualTo("root 644");
      assertThat(
              run(
                      List.of(LAUNCHER.toString(), "--version"),
                      Map.of("MUSTER_JAVA_OPTS", "-Xshare:on"))
                  .code())
          .isZero();
      // The static/file agent's archive, which the launcher picks for "agent" and "join" of the
      // packaged example (static discovery, file store).
      assertThat(STATIC_AGENT_ARCHIVE).isRegularFile();
      assertThat(ok("stat", "-c", "%U %a", STATIC_AGENT_ARCHIVE.toString()).trim())
          .isEqualTo("root 644");
      Run agentHelp =
          run(
              List.of(LAUNCHER.toString(), "agent", "--help"),
              Map.of("MUSTER_JAVA_OPTS", "-Xshare:on -Xlog:cds=info"));
      assertThat(agentHelp.code()).as(agentHelp.out()).isZero();
      assertThat(agentHelp.out()).contains("Opened archive " + STATIC_AGENT_ARCHIVE);
      // An AWS agent maps the archive of every path.
      Run awsAgentHelp =
          run(
              List.of(LAUNCHER.toString(), "agent", "--help", "--discovery", "ec2-tags"),
              Map.of("MUSTER_JAVA_OPTS", "-Xshare:on -Xlog:cds=info"));
      assertThat(awsAgentHelp.code()).as(awsAgentHelp.out()).isZero();
      assertThat(awsAgentHelp.out()).contains("Opened archive " + ARCHIVE);

      // A JDK change (a package touching /usr/lib/jvm) remakes the archive through the trigger.
      Files.delete(ARCHIVE);
      ok("dpkg-trigger", "--no-await", "/usr/lib/jvm");
      ok("dpkg", "--triggers-only", "--pending");
      assertThat(ARCHIVE).isRegularFile();

      // Upgrade to a newer build: the operator's edit of the conffile stays, without a prompt.
      Files.writeString(
          CONFFILE,
          Files.readString(CONFFILE) + "# edited by the operator\n",
          StandardCharsets.UTF_8);
      ok("dpkg", "-i", newer.toString());
      assertThat(ok("dpkg-query", "-W", "-f", "${Version}", "muster")).isEqualTo(debVersion(newer));
      assertThat(Files.readString(CONFFILE)).endsWith("# edited by the operator\n");
      assertThat(ok(LAUNCHER.toString(), "peers")).contains("decision:");
      assertThat(ARCHIVE).isRegularFile();

      // The listing sees what the package installed and made (so its comparison below means
      // something).
      assertThat(snapshot())
          .anyMatch(l -> l.endsWith(" /usr/share/muster/muster.jar"))
          .anyMatch(l -> l.equals("d 750 muster /var/lib/muster"))
          .anyMatch(l -> l.endsWith(" " + ARCHIVE));

      ok("dpkg", "--purge", "muster");
      assertThat(run(List.of("dpkg-query", "-W", "muster"), Map.of()).code()).isNotZero();
      assertThat(run(List.of("getent", "passwd", "muster"), Map.of()).code()).isNotZero();
      assertThat(run(List.of("getent", "group", "muster"), Map.of()).code()).isNotZero();
      assertThat(Files.readString(Path.of("/var/lib/dpkg/triggers/File"))).doesNotContain("muster");
      Set<String> after = snapshot();
      assertThat(difference(after, before)).as("left behind by the package").isEmpty();
      assertThat(difference(before, after)).as("removed by the package").isEmpty();
    } finally {
      run(List.of("dpkg", "--purge", "muster"), Map.of());
      deleteTree(work);
    }
  }

  private static void requireRootAndNoMuster() throws Exception {
    String uid = ok("id", "-u").trim();
    if (!uid.equals("0")) {
      throw new IllegalStateException("installs a package: run as root (CI runs .ci/run as root)");
    }
    if (run(List.of("dpkg-query", "-W", "muster"), Map.of()).code() == 0) {
      throw new IllegalStateException(
          "a muster package is already installed here; this test would purge it: remove it first");
    }
  }

  /** The built package again with a higher version: the next build, for the upgrade. */
  private static Path bumped(Path deb, Path work) throws Exception {
    Path tree = work.resolve("tree");
    ok("dpkg-deb", "-R", deb.toString(), tree.toString());
    Path control = tree.resolve("DEBIAN/control");
    String version = debVersion(deb);
    String next = version + "+next1";
    Files.writeString(
        control,
        Files.readString(control).replace("Version: " + version + "\n", "Version: " + next + "\n"));
    ok("dpkg", "--compare-versions", next, "gt", version);
    Path out = work.resolve("muster_next_all.deb");
    ok("dpkg-deb", "--root-owner-group", "-Zgzip", "-b", tree.toString(), out.toString());
    return out;
  }

  private static String debVersion(Path deb) throws Exception {
    return ok("dpkg-deb", "-f", deb.toString(), "Version").trim();
  }

  private static String projectVersion() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "<parent>.*?<version>([^<]+)</version>", java.util.regex.Pattern.DOTALL)
            .matcher(pom);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  /** Every path under the snapshot roots with its type and mode, minus {@link #NOT_COMPARED}. */
  static Set<String> snapshot() throws Exception {
    List<String> argv = new ArrayList<>(List.of("find"));
    argv.addAll(SNAPSHOT_ROOTS);
    argv.addAll(List.of("-xdev", "-printf", "%y %m %u %p\\n"));
    Run r = run(argv, Map.of());
    Set<String> out = new TreeSet<>();
    for (String line : r.out().split("\n")) {
      String path =
          line.substring(line.indexOf(' ', line.indexOf(' ', line.indexOf(' ') + 1) + 1) + 1);
      if (NOT_COMPARED.stream().noneMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
        out.add(line);
      }
    }
    return out;
  }

  private static List<String> difference(Set<String> a, Set<String> b) {
    return a.stream().filter(x -> !b.contains(x)).collect(Collectors.toList());
  }

  static String ok(String... argv) throws Exception {
    Run r = run(List.of(argv), Map.of());
    assertThat(r.code()).as("%s exited %d:\n%s", List.of(argv), r.code(), r.out()).isZero();
    return r.out();
  }

  static Run run(List<String> argv, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("MUSTER_"));
    pb.environment().putAll(ENV);
    pb.environment().putAll(env);
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(argv + " did not finish");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
