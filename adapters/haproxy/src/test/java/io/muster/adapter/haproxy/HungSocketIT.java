package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.muster.adapter.AdapterException;
import io.muster.model.Peer;
import io.muster.process.RecordingProcessRunner;
import io.muster.testing.ManualClock;
import io.muster.time.Deadline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hung HAProxy (a socket that accepts and never answers, or one that no longer accepts) cannot
 * hold muster: every Runtime API and master CLI call ends at its own bound ({@code
 * adapter.haproxy.socket-timeout}) or the operation's deadline ({@code join --timeout}), with a
 * message naming the socket and the command, and the next call works once HAProxy answers again
 * (the agent's follower retries at its next poll: FollowerComponentTest). Real sockets waited on in
 * real time, so an integration test.
 */
class HungSocketIT {
  private static final Duration BOUND = Duration.ofMillis(300);

  @TempDir Path dir;
  private final List<SocketChannel> held = new ArrayList<>();
  private ServerSocketChannel server;
  private Thread acceptor;

  @AfterEach
  void stop() throws IOException {
    if (acceptor != null) {
      acceptor.interrupt();
    }
    for (SocketChannel c : held) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aSocketThatAcceptsAndNeverAnswersFailsTheChangeNamingSocketCommandAndKey() throws Exception {
    Path socket = listen(1000);
    answerAfter(Integer.MAX_VALUE, null); // accepts every connection, answers none
    HaproxyFollower follower = follower(api(socket, new Deadline(Clock.systemUTC())), null);

    AdapterException e =
        catchThrowableOfType(
            () -> follower.membersChanged(List.of(Peer.of("10.0.0.5"))), AdapterException.class);

    assertThat(e.getMessage())
        .contains("cannot reach the HAProxy Runtime API at " + socket)
        .contains("no complete reply for 'show servers state app' within 300 ms")
        .contains("(adapter.haproxy.socket-timeout)")
        .contains("hung or overloaded");
    assertThat(e.retryable()).as("the agent retries it at the next poll").isTrue();
  }

  @Test
  void aSocketWhoseAcceptQueueIsFullEndsTheConnectAtTheBound() throws Exception {
    Path socket = listen(1); // never accepted: the queue fills like a stopped HAProxy's
    for (int i = 0; i < 4; i++) {
      SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
      c.configureBlocking(false);
      held.add(c);
      try {
        c.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException full) {
        break; // the queue is full: a blocking connect would now wait for ever
      }
    }

    IOException e =
        catchThrowableOfType(
            () -> api(socket, new Deadline(Clock.systemUTC())).execute("show proc"),
            IOException.class);

    assertThat(e).hasMessageContaining("no connection for 'show proc' within 300 ms");
  }

  @Test
  void theJoinDeadlineShortensTheSocketsOwnBoundAndSaysSo() throws Exception {
    Path socket = listen(1000);
    answerAfter(Integer.MAX_VALUE, null);
    Deadline deadline = new Deadline(Clock.systemUTC());
    deadline.set(Instant.now().plusMillis(200), "join.timeout / --timeout 5s");
    RuntimeApi api =
        new UnixSocketRuntimeApi(
            socket, Duration.ofMinutes(5), HaproxyProvider.SOCKET_TIMEOUT.name(), deadline);

    IOException e = catchThrowableOfType(() -> api.execute("show proc"), IOException.class);

    assertThat(e)
        .hasMessageContaining("no complete reply for 'show proc'")
        .hasMessageContaining("(the join.timeout / --timeout 5s deadline)");
    assertThat(catchThrowableOfType(() -> api.execute("show proc"), IOException.class))
        .hasMessageContaining("'show proc' not sent: the join.timeout / --timeout 5s deadline");
  }

  @Test
  void theNextChangeWorksOnceHaproxyAnswersAgain() throws Exception {
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(
        cfg,
        "backend app\n    balance roundrobin\n    # BEGIN muster servers\n    # END muster servers\n");
    FakeHaproxy haproxy = new FakeHaproxy("app", cfg);
    Path socket = listen(1000);
    answerAfter(1, haproxy.runtime()); // the first connection hangs, later ones are answered
    HaproxyFollower follower = follower(api(socket, new Deadline(Clock.systemUTC())), cfg);

    AdapterException hung =
        catchThrowableOfType(
            () -> follower.membersChanged(List.of(Peer.of("10.0.0.5"))), AdapterException.class);
    follower.membersChanged(List.of(Peer.of("10.0.0.5")));

    assertThat(hung).hasMessageContaining("within 300 ms");
    assertThat(haproxy.servers).containsOnlyKeys("10-0-0-5");
  }

  private Path listen(int backlog) throws IOException {
    Path socket = dir.resolve("admin.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket), backlog);
    return socket;
  }

  /** Accepts connections; the first {@code hung} are held open unanswered, later ones answered. */
  private void answerAfter(int hung, RuntimeApi answers) {
    AtomicInteger seen = new AtomicInteger();
    acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  SocketChannel c = server.accept();
                  if (seen.getAndIncrement() < hung) {
                    synchronized (held) {
                      held.add(c);
                    }
                    continue;
                  }
                  try (c) {
                    String command = readLine(c);
                    c.write(
                        ByteBuffer.wrap(answers.execute(command).getBytes(StandardCharsets.UTF_8)));
                  }
                }
              } catch (IOException closedByTheTest) {
                // the test is over
              }
            },
            "hung-haproxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static String readLine(SocketChannel c) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(1);
    while (c.read(b) > 0) {
      if (b.get(0) == '\n') {
        break;
      }
      line.write(b.get(0));
      b.clear();
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  private static RuntimeApi api(Path socket, Deadline deadline) {
    return new UnixSocketRuntimeApi(socket, BOUND, HaproxyProvider.SOCKET_TIMEOUT.name(), deadline);
  }

  private HaproxyFollower follower(RuntimeApi runtime, Path cfg) throws IOException {
    Path file = cfg;
    if (file == null) {
      file = dir.resolve("haproxy.cfg");
      Files.writeString(
          file, "backend app\n    # BEGIN muster servers\n    # END muster servers\n");
    }
    HaproxySettings s =
        new HaproxySettings(
            "app",
            8080,
            "",
            runtime instanceof UnixSocketRuntimeApi u ? Path.of(u.describe()) : Path.of("/x"),
            null,
            file,
            file,
            Duration.ofSeconds(1),
            List.of("true"));
    ManualClock time = new ManualClock();
    return new HaproxyFollower(s, runtime, null, new RecordingProcessRunner(), time, time::sleep);
  }
}
