package io.muster.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestNetworkIT {
  @Test
  void nodesReachEachOtherAndEverythingIsRemovedOnClose() {
    try (TestNetwork net = TestNetwork.create("mtn", "10.99.250", 2)) {
      String ping = net.node(0).exec("ping", "-c", "1", "-W", "2", net.node(1).address());
      assertThat(ping).contains("1 received");
    }
    assertThat(Files.exists(Path.of("/var/run/netns/mtn-n1"))).isFalse();
    assertThat(Files.exists(Path.of("/var/run/netns/mtn-sw"))).isFalse();
  }
}
