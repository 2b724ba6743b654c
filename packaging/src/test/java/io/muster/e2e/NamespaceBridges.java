package io.muster.e2e;

import io.muster.testing.TestNetwork;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes services on the host's loopback reachable inside the test nodes' network namespaces. A
 * namespace has its own loopback, so 127.0.0.1:port in it is a socat that forwards over a unix
 * socket (the one thing both namespaces share) to a socat on the host.
 */
final class NamespaceBridges implements AutoCloseable {
  private final Path dir;
  private final List<Process> socats = Collections.synchronizedList(new ArrayList<>());

  /** {@code dir} holds the unix sockets and socat's logs. */
  NamespaceBridges(Path dir) {
    this.dir = dir;
  }

  static void requireSocat() {
    if (!Files.isExecutable(Path.of("/usr/bin/socat"))) {
      throw new IllegalStateException("socat is missing: apt-get install -y socat");
    }
  }

  /**
   * 127.0.0.1:{@code port} inside {@code n}'s namespace forwards to {@code target} on the host's
   * loopback, over a unix socket (the one thing both namespaces share).
   */
  void bridge(TestNetwork.Node n, int port, String target)
      throws IOException, InterruptedException {
    String hostPort = target.replaceFirst("^http://127\\.0\\.0\\.1:", "").replaceAll("/.*", "");
    Path sock = dir.resolve(n.name() + "-" + port + ".sock");
    socats.add(
        start(
            List.of(
                "socat", "UNIX-LISTEN:" + sock + ",fork,reuseaddr", "TCP:127.0.0.1:" + hostPort),
            dir.resolve(n.name() + "-" + port + "-host.log")));
    for (int i = 0; i < 50 && !Files.exists(sock); i++) {
      Thread.sleep(100);
    }
    List<String> inNs = new ArrayList<>(n.nsenter());
    inNs.addAll(
        List.of(
            "socat",
            "TCP-LISTEN:" + port + ",bind=127.0.0.1,fork,reuseaddr",
            "UNIX-CONNECT:" + sock));
    socats.add(start(inNs, dir.resolve(n.name() + "-" + port + "-ns.log")));
  }

  /** Kills every socat of every bridge. */
  @Override
  public void close() throws InterruptedException {
    synchronized (socats) {
      for (Process p : socats) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Process start(List<String> argv, Path log) throws IOException {
    return new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }
}
