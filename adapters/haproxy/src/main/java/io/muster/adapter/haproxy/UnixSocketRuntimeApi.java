package io.muster.adapter.haproxy;

import io.muster.time.Deadline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Talks to an HAProxy CLI over its unix socket with JDK channels (no socat): one connection per
 * command; HAProxy answers and closes the connection, so the reply is everything up to EOF.
 *
 * <p>Every call, connect included, ends within its own timeout ({@code
 * adapter.haproxy.socket-timeout}) or the operation's {@link Deadline} ({@code join --timeout}),
 * whichever comes first. A unix {@code connect} blocks while a stopped HAProxy's accept queue is
 * full, and no channel option bounds it, so a watchdog closes the channel at the limit: that ends a
 * blocked connect, write or read alike.
 */
public final class UnixSocketRuntimeApi implements RuntimeApi {
  /** Closes channels whose call outlived its limit; one daemon thread for every socket. */
  private static final ScheduledExecutorService WATCHDOG = watchdog();

  private final Path socket;
  private final Duration timeout;
  private final String timeoutSource;
  private final Deadline deadline;

  /** A socket with a timeout of its own only (tests, and callers without an operation deadline). */
  public UnixSocketRuntimeApi(Path socket, Duration timeout) {
    this(socket, timeout, "timeout", new Deadline(Clock.systemUTC()));
  }

  /**
   * @param timeoutSource what set {@code timeout}, for messages (the key)
   * @param deadline the operation's deadline: no call waits past it
   */
  public UnixSocketRuntimeApi(
      Path socket, Duration timeout, String timeoutSource, Deadline deadline) {
    this.socket = socket;
    this.timeout = timeout;
    this.timeoutSource = timeoutSource;
    this.deadline = deadline;
  }

  @Override
  public String execute(String command) throws IOException {
    if (command.indexOf('\n') >= 0 || command.indexOf(';') >= 0) {
      // One line, one command: a ';' or a newline would run a second one.
      throw new IllegalArgumentException("not a single CLI command: " + command);
    }
    Duration limit = deadline.cap(timeout);
    if (limit.isNegative() || limit.isZero()) {
      throw new IOException(
          "'" + command + "' not sent: the " + deadline.name() + " deadline passed");
    }
    AtomicBoolean expired = new AtomicBoolean();
    Phase phase = new Phase();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(
              () -> {
                expired.set(true);
                closeQuietly(ch);
              },
              limit.toNanos(),
              TimeUnit.NANOSECONDS);
      try {
        return exchange(ch, command, phase);
      } catch (IOException e) {
        if (!expired.get()) {
          throw e;
        }
        // The watchdog closed the channel: say what was awaited and which limit ended it.
        throw new IOException(
            "no "
                + phase.now
                + " for '"
                + command
                + "' within "
                + limit.toMillis()
                + " ms ("
                + (limit.compareTo(timeout) < 0
                    ? "the " + deadline.name() + " deadline"
                    : timeoutSource)
                + "); HAProxy is hung or overloaded",
            e);
      } finally {
        watchdog.cancel(false);
      }
    }
  }

  private String exchange(SocketChannel ch, String command, Phase phase) throws IOException {
    phase.now = "connection";
    ch.connect(UnixDomainSocketAddress.of(socket));
    phase.now = "room to send";
    ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) {
      ch.write(out);
    }
    // Like socat at end of input: the master CLI answers and closes only once the client has
    // finished sending.
    ch.shutdownOutput();
    phase.now = "complete reply";
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    while (ch.read(in) >= 0) {
      reply.write(in.array(), 0, in.position());
      in.clear();
    }
    return reply.toString(StandardCharsets.UTF_8);
  }

  @Override
  public String describe() {
    return socket.toString();
  }

  /** What the call was waiting for when its limit came, for the message. */
  private static final class Phase {
    volatile String now = "connection";
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Closing ends the blocked call; a failure to close leaves nothing to undo.
    }
  }

  private static ScheduledExecutorService watchdog() {
    ScheduledThreadPoolExecutor ex =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "muster-haproxy-socket-watchdog");
              t.setDaemon(true);
              return t;
            });
    // A call that ends in time cancels its watchdog: drop it now, not when it would have fired.
    ex.setRemoveOnCancelPolicy(true);
    return ex;
  }
}
