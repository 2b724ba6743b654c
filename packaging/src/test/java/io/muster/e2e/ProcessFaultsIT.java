package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real muster processes stopped or killed while a form script runs (issue "Fail before acting", §3
 * and §4): the script's credentials hand-off file held the secret in /tmp after a kill -9, and
 * SIGTERM left the script running.
 */
class ProcessFaultsIT {
  private static final String SECRET = "handoff-secret-5e1f0c7a93";
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final List<Long> scriptPids = new ArrayList<>();

  /** A form script that writes the secret, records its pid and its child's, then hangs. */
  private Map<String, String> env() throws IOException {
    Path form = dir.resolve("form.sh");
    Files.writeString(
        form,
        "#!/bin/sh\n"
            + "printf '{\"cookie\":\""
            + SECRET
            + "\"}' > \"$MUSTER_CREDENTIALS_FILE\"\n"
            + "echo $$ > "
            + dir.resolve("script.pid")
            + "\n"
            + "sleep 600 &\n"
            + "echo $! > "
            + dir.resolve("child.pid")
            + "\n"
            + "wait\n");
    Files.setPosixFilePermissions(form, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> env = LocalMuster.oneNode(dir, "faults");
    env.put("MUSTER_ADAPTER_EXEC_FORM", form.toString());
    return env;
  }

  @AfterEach
  void killLeftovers() {
    for (long pid : scriptPids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private long awaitPid(String name) throws Exception {
    Path f = dir.resolve(name);
    for (int i = 0; i < 600; i++) {
      if (Files.exists(f) && !Files.readString(f).isBlank()) {
        long pid = Long.parseLong(Files.readString(f).strip());
        scriptPids.add(pid);
        return pid;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " was not written: the form script did not start");
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void awaitGone(long pid, String what) throws InterruptedException {
    for (int i = 0; i < 100 && alive(pid); i++) {
      Thread.sleep(100);
    }
    assertThat(alive(pid)).as(what + " (pid " + pid + ") still runs").isFalse();
  }

  /** Every file under {@code root} that holds the secret. */
  private static List<Path> filesHoldingTheSecret(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .filter(
              p -> {
                try {
                  return Files.readString(p, StandardCharsets.ISO_8859_1).contains(SECRET);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    }
  }

  /** §4: with umask 000 the store and state directories were 0777. */
  @Test
  void everythingMusterCreatesHasFixedModesWhateverTheUmask() throws Exception {
    Map<String, String> env = LocalMuster.oneNode(dir, "modes");
    try (LocalMuster join =
        LocalMuster.start(
            dir, "join", env, List.of("/bin/sh", "-c", "umask 000; exec \"$0\" \"$@\""), "join")) {
      assertThat(join.awaitExit(START)).as(join.stderr()).isZero();
    }
    assertThat(mode(dir.resolve("state"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("state/handoff"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("store"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(dir.resolve("store/modes"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(dir.resolve("store/modes/members"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(dir.resolve("store/modes/formation"))).isEqualTo("rwxr-xr-x");
    try (Stream<Path> all = Files.walk(dir.resolve("state"))) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
      }
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void sigtermDuringAFormScriptEndsTheScriptTreeAndRemovesTheHandoffFile() throws Exception {
    try (LocalMuster join = LocalMuster.start(dir, "join", env(), "join")) {
      long script = awaitPid("script.pid");
      long child = awaitPid("child.pid");
      assertThat(filesHoldingTheSecret(dir.resolve("state"))).hasSize(1);

      join.signal("TERM");
      join.awaitExit(Duration.ofSeconds(30));

      awaitGone(script, "the form script");
      awaitGone(child, "the form script's child");
      assertThat(filesHoldingTheSecret(dir.resolve("state"))).isEmpty();
    }
  }

  @Test
  void anAgentStoppedDuringAFormScriptEndsItAndExitsZero() throws Exception {
    try (LocalMuster agent = LocalMuster.start(dir, "agent", env(), "agent")) {
      long script = awaitPid("script.pid");
      long child = awaitPid("child.pid");

      agent.signal("TERM");

      assertThat(agent.awaitExit(Duration.ofSeconds(30))).as(agent.stderr()).isZero();
      awaitGone(script, "the form script");
      awaitGone(child, "the form script's child");
      assertThat(filesHoldingTheSecret(dir.resolve("state"))).isEmpty();
    }
  }

  @Test
  void aKillMinus9DuringAFormScriptLeavesNoSecretOnDiskAfterTheNextStart() throws Exception {
    Map<String, String> env = env();
    long script;
    long child;
    try (LocalMuster agent = LocalMuster.start(dir, "agent", env, "agent")) {
      script = awaitPid("script.pid");
      child = awaitPid("child.pid");
      assertThat(filesHoldingTheSecret(dir.resolve("state"))).hasSize(1);

      agent.signal("KILL");
      agent.awaitExit(Duration.ofSeconds(30));
    }
    // The next start, which has nothing to do but start: the secret must be gone.
    Path quick = dir.resolve("form-quick.sh");
    Files.writeString(quick, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(quick, PosixFilePermissions.fromString("rwx------"));
    env.put("MUSTER_ADAPTER_EXEC_FORM", quick.toString());
    try (LocalMuster next = LocalMuster.start(dir, "next", env, "agent")) {
      next.awaitLog(l -> l.contains("left by a muster process that did not finish"), START);
      assertThat(filesHoldingTheSecret(dir.resolve("state"))).isEmpty();
      // and the script the killed process ran, with its child, no longer runs
      awaitGone(script, "the killed agent's form script");
      awaitGone(child, "the killed agent's form script's child");
      next.signal("TERM");
      assertThat(next.awaitExit(Duration.ofSeconds(30))).as(next.stderr()).isZero();
    }
    assertThat(filesHoldingTheSecret(dir))
        .as("anywhere in the test's files")
        .allMatch(p -> p.getFileName().toString().equals("form.sh"));
  }
}
