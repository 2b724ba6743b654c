package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeImds;
import io.muster.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code muster agent} process stopped with SIGTERM (as systemd stops it) in the middle of
 * a lifecycle action, against the local Auto Scaling lifecycle API (Query protocol) and instance
 * metadata on loopback: the action is answered before the process exits, exactly once, and a
 * restarted agent does not answer it again (lifecycle.on-stop: answer, the default).
 */
class AgentStopLifecycleIT {
  static final String GROUP = "web-prod";
  static final String ID = "i-0a1b2c3d4e5f60001";
  static final Duration START = Duration.ofSeconds(60);

  /** Within systemd's TimeoutStopSec (90 s); the lifecycle part is bounded by 30 s. */
  static final Duration STOP = Duration.ofSeconds(60);

  @TempDir Path dir;
  FakeAwsQueryServer server;
  FakeImds imds;
  FakeAutoScalingLifecycle asg;

  @BeforeEach
  void apis() throws Exception {
    server = FakeAwsQueryServer.start();
    imds = FakeImds.start();
    asg =
        new FakeAutoScalingLifecycle(server, new ManualClock())
            .hook(
                GROUP,
                "muster-launch",
                FakeAutoScalingLifecycle.LAUNCHING,
                Duration.ofSeconds(300),
                "CONTINUE")
            .hook(
                GROUP,
                "muster-drain",
                FakeAutoScalingLifecycle.TERMINATING,
                Duration.ofSeconds(300),
                "CONTINUE")
            .mirrorTo(imds, Duration.ZERO);
  }

  @AfterEach
  void close() {
    imds.close();
    server.close();
  }

  Map<String, String> env(String minPeers) {
    Map<String, String> env = LocalMuster.oneNode(dir, "stop");
    env.put("MUSTER_NODE_INSTANCE_ID", ID);
    env.put("MUSTER_DISCOVERY_STATIC_PEERS", ID + "=127.0.0.1");
    env.put("MUSTER_ELECTION_MIN_PEERS", minPeers);
    env.put("MUSTER_NODE_AUTO_SCALING_GROUP", GROUP);
    env.put("MUSTER_NODE_REGION", "us-east-1");
    env.put("MUSTER_NODE_IMDS_ENDPOINT", imds.endpoint());
    env.put("MUSTER_AWS_ENDPOINT_URL", server.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", "AKIDMUSTERSTOPIT0000");
    env.put("AWS_SECRET_ACCESS_KEY", "stop-it-dummy-secret-not-a-real-one");
    env.put("MUSTER_LIFECYCLE_ENABLED", "true");
    env.put("MUSTER_LIFECYCLE_LAUNCH_HOOK", "muster-launch");
    env.put("MUSTER_LIFECYCLE_TERMINATE_HOOK", "muster-drain");
    env.put("MUSTER_LIFECYCLE_HEARTBEAT_TIMEOUT", "300s");
    env.put("MUSTER_LIFECYCLE_POLL_INTERVAL", "1s");
    env.put("MUSTER_LIFECYCLE_LAUNCH_FAILURE_RESULT", "ABANDON");
    // ABANDON, so that an answer by the stop cannot be mistaken for the CONTINUE of a clean leave.
    env.put("MUSTER_LIFECYCLE_DRAIN_FAILURE_RESULT", "ABANDON");
    env.put("MUSTER_JOIN_TIMEOUT", "10m");
    return env;
  }

  @Test
  void sigtermDuringALaunchAnswersItWithTheLaunchFailureResultOnce() throws Exception {
    asg.launch(GROUP, ID);
    // Two peers needed, one in view: the node is still joining when it is stopped.
    try (LocalMuster agent = LocalMuster.start(dir, "agent-1", env("2"), "agent")) {
      agent.awaitLog(l -> l.contains("launching: join, verify, then answer"), START);
      assertThat(asg.completions()).isEmpty();

      agent.signal("TERM");

      assertThat(agent.awaitExit(STOP)).as(agent.stderr()).isZero();
      assertThat(agent.stderr()).contains("stopped before the node was a verified member");
    }
    assertThat(asg.completions(ID, "muster-launch"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.result()).isEqualTo("ABANDON");
              assertThat(c.byTimeout()).isFalse();
            });

    // systemd restarts it: the answered launch is not answered again, and the node does not join.
    try (LocalMuster again = LocalMuster.start(dir, "agent-2", env("1"), "agent")) {
      again.awaitLog(l -> l.contains("agent started") || l.contains("agent-started"), START);
      Thread.sleep(3000); // three lifecycle polls
      again.signal("TERM");
      assertThat(again.awaitExit(STOP)).as(again.stderr()).isZero();
      assertThat(again.stderr()).doesNotContain("formed generation");
    }
    assertThat(asg.completions(ID, "muster-launch")).hasSize(1);
  }

  /**
   * Starts a member whose leave is {@code leaveScript}, then the terminate hook; returns at the
   * leave's start.
   */
  private LocalMuster drainingMember(String leaveScript, Path started) throws Exception {
    Path leave = dir.resolve("leave.sh");
    Files.writeString(leave, "#!/bin/sh\n" + leaveScript);
    Files.setPosixFilePermissions(leave, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> env = env("1");
    env.put("MUSTER_ADAPTER_EXEC_LEAVE", leave.toString());
    asg.launch(GROUP, ID);
    LocalMuster agent = LocalMuster.start(dir, "agent", env, "agent");
    agent.awaitLog(l -> l.contains("formed generation 1"), START);
    agent.awaitLog(l -> l.contains("lifecycle-completed"), START);
    assertThat(asg.completions(ID, "muster-launch"))
        .singleElement()
        .satisfies(c -> assertThat(c.result()).isEqualTo("CONTINUE"));

    asg.terminate(ID);
    long end = System.nanoTime() + START.toNanos();
    while (!Files.exists(started) && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    assertThat(started).as(agent.stderr()).exists();
    assertThat(asg.completions(ID, "muster-drain")).isEmpty();
    return agent;
  }

  @Test
  void sigtermDuringADrainLetsTheLeaveScriptFinishAndAnswersContinueOnce() throws Exception {
    Path started = dir.resolve("leave.started");
    Path release = dir.resolve("leave.release");
    Path finished = dir.resolve("leave.finished");
    try (LocalMuster agent =
        drainingMember(
            "touch "
                + started
                + "\nwhile [ ! -e "
                + release
                + " ]; do sleep 0.1; done\ntouch "
                + finished
                + "\n",
            started)) {
      agent.signal("TERM");
      // The leave is the drain itself: the stop does not end it with the other commands (the
      // systemd unit's KillMode=mixed does not signal it either), it waits for it.
      Thread.sleep(2000);
      assertThat(finished).doesNotExist();
      Files.createFile(release);

      assertThat(agent.awaitExit(STOP)).as(agent.stderr()).isZero();
      assertThat(finished).as(agent.stderr()).exists();
    }
    assertThat(asg.completions(ID, "muster-drain"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.result()).isEqualTo("CONTINUE");
              assertThat(c.byTimeout()).isFalse();
            });
  }

  @Test
  void sigtermDuringADrainWhoseLeaveHangsEndsItAndAnswersTheDrainFailureResultOnce()
      throws Exception {
    Path started = dir.resolve("leave.started");
    Path pid = dir.resolve("leave.pid");
    long sleeper;
    try (LocalMuster agent =
        drainingMember("echo $$ > " + pid + "\ntouch " + started + "\nexec sleep 600\n", started)) {
      sleeper = Long.parseLong(Files.readString(pid).strip());

      agent.signal("TERM");

      assertThat(agent.awaitExit(STOP)).as(agent.stderr()).isZero();
    }
    // The stop waited its 15 s for the leave, then ended it: the leave failed, so the hook gets
    // lifecycle.drain-failure-result, once, from the process being stopped.
    assertThat(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false))
        .as("the hung leave script (pid %d) still runs", sleeper)
        .isFalse();
    assertThat(asg.completions(ID, "muster-drain"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.result()).isEqualTo("ABANDON");
              assertThat(c.byTimeout()).isFalse();
            });
  }
}
