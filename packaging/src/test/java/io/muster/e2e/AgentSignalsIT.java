package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real {@code muster agent} process and the signals systemd and terminals send it. */
class AgentSignalsIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration STOP = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void sigtermAfterTheAgentFormedIsACleanStopThatExitsZero() throws Exception {
    try (LocalMuster agent =
        LocalMuster.start(dir, "agent", LocalMuster.oneNode(dir, "signals"), "agent")) {
      agent.awaitLog(l -> l.contains("formed generation 1"), START);

      agent.signal("TERM");

      assertThat(agent.awaitExit(STOP)).as(agent.stderr()).isZero();
      assertThat(agent.stderr()).contains("stopping");
    }
  }

  /**
   * Started with SIGHUP restored to its default: under {@code nohup} (a CI job started that way)
   * every process inherits SIGHUP ignored, and the JVM keeps an ignored SIGHUP ignored, so the
   * agent would never see it (nor log it).
   */
  @Test
  void sighupIsLoggedAndIgnoredAndTheAgentKeepsRunning() throws Exception {
    List<String> sighupRestored =
        List.of("/usr/bin/perl", "-e", "$SIG{HUP} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"");
    try (LocalMuster agent =
        LocalMuster.start(
            dir, "agent", LocalMuster.oneNode(dir, "signals"), sighupRestored, "agent")) {
      agent.awaitLog(l -> l.contains("formed generation 1"), START);

      agent.signal("HUP");
      agent.awaitLog(l -> l.contains("SIGHUP received and ignored"), STOP);

      assertThat(agent.process.isAlive()).as(agent.stderr()).isTrue();
      agent.signal("TERM");
      assertThat(agent.awaitExit(STOP)).as(agent.stderr()).isZero();
    }
  }

  /**
   * A process started in the background by a non-interactive shell inherits SIGINT ignored, and the
   * JVM keeps an ignored SIGINT ignored (so does every program): the agent is started with SIGINT
   * restored to its default, as a terminal would, whatever launched this test.
   */
  @Test
  void sigintStopsTheAgentLikeSigterm() throws Exception {
    List<String> sigintRestored =
        List.of("/usr/bin/perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"");
    try (LocalMuster agent =
        LocalMuster.start(
            dir, "agent", LocalMuster.oneNode(dir, "signals"), sigintRestored, "agent")) {
      agent.awaitLog(l -> l.contains("formed generation 1"), START);

      agent.signal("INT");

      assertThat(agent.awaitExit(STOP)).as(agent.stderr()).isZero();
    }
  }
}
