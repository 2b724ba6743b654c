package io.muster.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real /bin/sh processes. A command never outlives its limit: its own timeout, the deadline of the
 * whole operation (join --timeout) or a stop; and then nothing it started survives it either.
 */
class SystemProcessRunnerIT {
  @TempDir Path tmp;

  /** A shell whose child sleeps for ten minutes and writes its pid to {@code pidFile} first. */
  private Command sleeperTree(Path pidFile, Duration timeout) {
    return Command.of(
        timeout, "/bin/sh", "-c", "sleep 600 & echo $! > " + pidFile + "; wait; echo never");
  }

  private static long awaitPid(Path pidFile) throws Exception {
    for (int i = 0; i < 500; i++) {
      if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) {
        return Long.parseLong(Files.readString(pidFile).strip());
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the script did not write its child's pid");
  }

  private static void assertGone(long pid) throws Exception {
    for (int i = 0;
        i < 250 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        i++) {
      Thread.sleep(20);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("process %d (the script's child) still runs", pid)
        .isFalse();
  }

  @Test
  void atItsTimeoutTheCommandAndEveryProcessItStartedAreEnded() throws Exception {
    Path pid = tmp.resolve("pid");
    SystemProcessRunner runner = new SystemProcessRunner();

    CommandException e =
        catchThrowableOfType(
            () -> runner.run(sleeperTree(pid, Duration.ofMillis(700))), CommandException.class);

    assertThat(e).hasMessageContaining("did not finish within 0.7 s").hasMessageContaining("ended");
    assertGone(awaitPid(pid));
    assertThat(runner.runningCount()).isZero();
  }

  @Test
  void theOperationsDeadlineShortensALongerTimeoutAndSaysSo() throws Exception {
    Path pid = tmp.resolve("pid");
    SystemProcessRunner runner = new SystemProcessRunner();
    runner.limitUntil(Instant.now().plusMillis(700), "join.timeout / --timeout 1s");

    CommandException e =
        catchThrowableOfType(
            () -> runner.run(sleeperTree(pid, Duration.ofMinutes(5))), CommandException.class);

    assertThat(e).hasMessageContaining("(the join.timeout / --timeout 1s deadline)");
    assertGone(awaitPid(pid));
  }

  @Test
  void noCommandStartsAfterTheDeadline() throws Exception {
    Path marker = tmp.resolve("ran");
    SystemProcessRunner runner =
        new SystemProcessRunner(Clock.fixed(Instant.parse("2026-01-01T00:00:10Z"), ZoneOffset.UTC));
    runner.limitUntil(Instant.parse("2026-01-01T00:00:05Z"), "join.timeout");

    CommandException e =
        catchThrowableOfType(
            () -> runner.run(Command.of(Duration.ofSeconds(5), "/bin/touch", marker.toString())),
            CommandException.class);

    assertThat(e).hasMessageContaining("not started: the join.timeout deadline passed");
    assertThat(marker).doesNotExist();
  }

  @Test
  void endRunningEndsARunningTreeAtOnceAndRefusesNewCommands() throws Exception {
    Path pid = tmp.resolve("pid");
    SystemProcessRunner runner = new SystemProcessRunner();
    CompletableFuture<Throwable> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                runner.run(sleeperTree(pid, Duration.ofMinutes(5)));
                return null;
              } catch (CommandException e) {
                return e;
              }
            });
    long child = awaitPid(pid);

    runner.endRunning(true);

    assertThat(run.get(30, TimeUnit.SECONDS)).hasMessageContaining("muster is stopping");
    assertGone(child);
    assertThat(
            catchThrowableOfType(
                () -> runner.run(Command.of(Duration.ofSeconds(5), "/bin/true")),
                CommandException.class))
        .hasMessageContaining("not started: muster is stopping");
  }

  @Test
  void aStopThatStillRunsCommandsLetsASparedCommandFinishAndEndsTheOthers() throws Exception {
    Path release = tmp.resolve("release");
    Path started = tmp.resolve("started");
    Path otherPid = tmp.resolve("other-pid");
    SystemProcessRunner runner = new SystemProcessRunner();
    // The stop's own work (a lifecycle leave): finishes once released, after the stop.
    CompletableFuture<ProcessResult> leave =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return SystemProcessRunner.sparedOnStop(
                    () ->
                        runner.run(
                            Command.of(
                                Duration.ofMinutes(5),
                                "/bin/sh",
                                "-c",
                                "touch "
                                    + started
                                    + "; while [ ! -e "
                                    + release
                                    + " ]; do sleep 0.05; done; echo left")));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    CompletableFuture<Throwable> other =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                runner.run(sleeperTree(otherPid, Duration.ofMinutes(5)));
                return null;
              } catch (CommandException e) {
                return e;
              }
            });
    long otherChild = awaitPid(otherPid);
    for (int i = 0; i < 500 && !Files.exists(started); i++) {
      Thread.sleep(20);
    }
    assertThat(started).exists();

    runner.endRunning(false);

    assertThat(other.get(30, TimeUnit.SECONDS)).hasMessageContaining("muster is stopping");
    assertGone(otherChild);
    assertThat(leave).isNotDone();
    Files.createFile(release);
    assertThat(leave.get(30, TimeUnit.SECONDS).stdout()).isEqualTo("left\n");
  }

  @Test
  void aStopBeforeExitEndsSparedCommandsToo() throws Exception {
    Path pid = tmp.resolve("pid");
    SystemProcessRunner runner = new SystemProcessRunner();
    CompletableFuture<Throwable> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                SystemProcessRunner.sparedOnStop(
                    () -> runner.run(sleeperTree(pid, Duration.ofMinutes(5))));
                return null;
              } catch (Exception e) {
                return e;
              }
            });
    long child = awaitPid(pid);

    runner.endRunning(true);

    assertThat(run.get(30, TimeUnit.SECONDS)).hasMessageContaining("muster is stopping");
    assertGone(child);
  }

  @Test
  void knownSecretsAreMaskedInBothOutputs() throws Exception {
    SecretMask.remember("s3cr3t-value-for-runner-test");
    ProcessResult r =
        new SystemProcessRunner()
            .run(
                Command.of(
                    Duration.ofSeconds(10),
                    "/bin/sh",
                    "-c",
                    "echo out s3cr3t-value-for-runner-test; echo err s3cr3t-value-for-runner-test >&2"));

    assertThat(r.stdout()).isEqualTo("out <redacted>\n");
    assertThat(r.stderr()).isEqualTo("err <redacted>\n");
  }
}
