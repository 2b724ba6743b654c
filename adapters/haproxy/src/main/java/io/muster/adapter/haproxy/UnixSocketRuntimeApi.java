package io.muster.adapter.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Talks to an HAProxy CLI over its unix socket with JDK channels (no socat): one connection per
 * command; HAProxy answers and closes the connection, so the reply is everything up to EOF.
 */
public final class UnixSocketRuntimeApi implements RuntimeApi {
  private final Path socket;
  private final Duration timeout;

  public UnixSocketRuntimeApi(Path socket, Duration timeout) {
    this.socket = socket;
    this.timeout = timeout;
  }

  @Override
  public String execute(String command) throws IOException {
    if (command.indexOf('\n') >= 0 || command.indexOf(';') >= 0) {
      // One line, one command: a ';' or a newline would run a second one.
      throw new IllegalArgumentException("not a single CLI command: " + command);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
      while (out.hasRemaining()) {
        ch.write(out);
      }
      // Like socat at end of input: the master CLI answers and closes only once the client has
      // finished sending.
      ch.shutdownOutput();
      ch.configureBlocking(false);
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(16 * 1024);
      try (Selector selector = Selector.open()) {
        ch.register(selector, SelectionKey.OP_READ);
        while (true) {
          long left = (deadline - System.nanoTime()) / 1_000_000;
          if (left <= 0) {
            throw new IOException(
                "no complete reply to '" + command + "' within " + timeout.toMillis() + " ms");
          }
          selector.select(left);
          selector.selectedKeys().clear();
          int n = ch.read(in);
          if (n < 0) {
            break;
          }
          reply.write(in.array(), 0, in.position());
          in.clear();
        }
      }
      return reply.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public String describe() {
    return socket.toString();
  }
}
