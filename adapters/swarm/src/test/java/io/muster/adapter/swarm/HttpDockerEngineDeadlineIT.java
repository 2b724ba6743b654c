package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.muster.time.Deadline;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Docker engine that accepts and never answers cannot hold `join --timeout` (issue "Fail before
 * acting" §2): each API call waits at most until the operation's deadline.
 */
class HttpDockerEngineDeadlineIT {
  @TempDir Path dir;

  @Test
  void aHungEngineCallEndsAtTheJoinDeadlineNotAtItsOwnTimeout() throws Exception {
    Path socket = dir.resolve("docker.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Deadline deadline = new Deadline(Clock.systemUTC());
      deadline.set(Instant.now().plusSeconds(3), "join.timeout / --timeout 1s");
      HttpDockerEngine engine = new HttpDockerEngine(socket, deadline);
      Thread acceptor =
          new Thread(
              () -> {
                try (SocketChannel ignored = server.accept()) {
                  Thread.sleep(60_000); // accept, read nothing, answer nothing
                } catch (Exception e) {
                  // closed by the test
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();

      EngineException e = catchThrowableOfType(engine::info, EngineException.class);

      assertThat(e).hasMessageContaining("(the join.timeout / --timeout 1s deadline)");
      acceptor.interrupt();
    }
  }

  @Test
  void noCallIsSentAfterTheDeadline() {
    Deadline deadline = new Deadline(Clock.systemUTC());
    deadline.set(Instant.now().minusSeconds(1), "join.timeout");
    HttpDockerEngine engine = new HttpDockerEngine(dir.resolve("none.sock"), deadline);

    assertThat(catchThrowableOfType(engine::info, EngineException.class))
        .hasMessageContaining("not sent: the join.timeout deadline passed");
  }
}
