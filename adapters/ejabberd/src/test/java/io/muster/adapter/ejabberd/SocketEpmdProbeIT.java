package io.muster.adapter.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SocketEpmdProbe} against a real epmd on loopback (own port, so it never meets a system
 * epmd) with a real Erlang node registered.
 */
class SocketEpmdProbeIT {
  @TempDir Path home;

  @Test
  void listsTheNodesRegisteredWithARealEpmdAndIsEmptyWhenNoneListens() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/epmd"))
        || !Files.isExecutable(Path.of("/usr/bin/erl"))) {
      throw new IllegalStateException(
          "this test needs Erlang's epmd and erl: apt-get install erlang-base (comes with ejabberd)");
    }
    int port = freePort();
    Process epmd =
        new ProcessBuilder("/usr/bin/epmd", "-port", "" + port, "-address", "127.0.0.1")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Process erl = null;
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
                  "/usr/bin/erl", "-name", "probe@127.0.0.1", "-noshell", "-noinput", "-hidden")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("ERL_EPMD_PORT", "" + port);
      // The node creates its own cookie file here, not in root's home.
      pb.environment().put("HOME", home.toString());
      erl = pb.start();
      SocketEpmdProbe probe = new SocketEpmdProbe(port, Duration.ofSeconds(2));

      Optional<List<String>> names = Optional.empty();
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < end) {
        names = probe.names("127.0.0.1");
        if (names.isPresent() && names.get().contains("probe")) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(names).hasValueSatisfying(n -> assertThat(n).contains("probe"));
      assertThat(probe.names("127.0.0.1").orElseThrow()).doesNotContain("ejabberd");
      assertThat(new SocketEpmdProbe(freePort(), Duration.ofSeconds(1)).names("127.0.0.1"))
          .isEmpty();
      // Refused (nothing listens) is told apart from an epmd that answers.
      assertThat(probe.nothingListens("127.0.0.1")).isFalse();
      assertThat(new SocketEpmdProbe(freePort(), Duration.ofSeconds(1)).nothingListens("127.0.0.1"))
          .isTrue();
    } finally {
      for (Process p : new Process[] {erl, epmd}) {
        if (p != null) {
          p.destroy();
          if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
          }
        }
      }
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
