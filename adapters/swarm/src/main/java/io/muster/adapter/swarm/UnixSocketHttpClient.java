package io.muster.adapter.swarm;

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
import java.util.Optional;

/**
 * A minimal HTTP/1.1 client over a unix domain socket (the Docker engine's API socket): one request
 * per connection ({@code Connection: close}), a deadline per request, and nothing else. The JDK's
 * HTTP client cannot speak over unix sockets, and adding a library for that would be a new
 * dependency.
 */
final class UnixSocketHttpClient {
  private final Path socket;

  UnixSocketHttpClient(Path socket) {
    this.socket = socket;
  }

  Path socket() {
    return socket;
  }

  /** Thrown when the socket cannot be connected to at all (engine not running, wrong path). */
  static final class ConnectException extends IOException {
    private static final long serialVersionUID = 1L;

    ConnectException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Sends one request and reads the whole response.
   *
   * @param pathAndQuery e.g. {@code /v1.41/nodes/abc/update?version=12}
   * @param jsonBody the body, or null for none
   * @throws ConnectException when the socket cannot be reached
   * @throws IOException on a timeout or a broken response
   */
  HttpResponse send(String method, String pathAndQuery, byte[] jsonBody, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        throw new ConnectException("cannot connect to " + socket + ": " + e.getMessage(), e);
      }
      ch.configureBlocking(false);
      try (Selector selector = Selector.open()) {
        ByteBuffer out = ByteBuffer.wrap(request(method, pathAndQuery, jsonBody));
        SelectionKey key = ch.register(selector, SelectionKey.OP_WRITE);
        while (out.hasRemaining()) {
          await(selector, deadline, method, pathAndQuery, timeout);
          ch.write(out);
        }
        key.interestOps(SelectionKey.OP_READ);
        HttpResponseParser parser = new HttpResponseParser("HEAD".equals(method));
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        while (true) {
          int n = ch.read(in);
          if (n > 0) {
            parser.feed(in.array(), 0, in.position());
            in.clear();
            Optional<HttpResponse> done = parser.complete(false);
            if (done.isPresent()) {
              return done.get();
            }
          } else if (n < 0) {
            return parser
                .complete(true)
                .orElseThrow(() -> new IOException("empty response from " + socket));
          } else {
            await(selector, deadline, method, pathAndQuery, timeout);
          }
        }
      }
    }
  }

  private static void await(
      Selector selector, long deadline, String method, String path, Duration timeout)
      throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new java.net.SocketTimeoutException(
          method + " " + path + " got no complete answer within " + timeout.toSeconds() + "s");
    }
    selector.selectedKeys().clear();
    selector.select(Math.max(1, left / 1_000_000));
  }

  /** The request bytes; package-private for tests. */
  static byte[] request(String method, String pathAndQuery, byte[] jsonBody) {
    StringBuilder h = new StringBuilder();
    h.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
    // The engine ignores the host, but HTTP/1.1 requires the field.
    h.append("Host: docker\r\n");
    h.append("User-Agent: muster\r\n");
    h.append("Accept: application/json\r\n");
    h.append("Connection: close\r\n");
    byte[] body = jsonBody == null ? new byte[0] : jsonBody;
    if (jsonBody != null) {
      h.append("Content-Type: application/json\r\n");
    }
    if (jsonBody != null || "POST".equals(method) || "PUT".equals(method)) {
      h.append("Content-Length: ").append(body.length).append("\r\n");
    }
    h.append("\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }
}
