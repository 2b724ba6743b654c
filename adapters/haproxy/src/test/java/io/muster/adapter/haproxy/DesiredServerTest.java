package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.model.Peer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredServerTest {
  private static Peer withPort(String address, String id, int port) {
    return new Peer(Peer.of(address).address(), null, id, null, null, Map.of(), port);
  }

  @Test
  void sortedByNameWithTheDefaultPortUnlessThePeerHasOne() throws Exception {
    List<DesiredServer> s =
        DesiredServer.of(
            List.of(Peer.of("10.0.0.9"), withPort("10.0.0.5", "i-b", 9000), Peer.of("10.0.0.10")),
            8080);

    assertThat(s)
        .extracting(DesiredServer::name, DesiredServer::endpoint)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("10-0-0-10", "10.0.0.10:8080"),
            org.assertj.core.groups.Tuple.tuple("10-0-0-9", "10.0.0.9:8080"),
            org.assertj.core.groups.Tuple.tuple("i-b", "10.0.0.5:9000"));
  }

  @Test
  void ipv6EndpointsAreBracketed() throws Exception {
    DesiredServer s = DesiredServer.of(List.of(Peer.of("fd00::1")), 80).get(0);
    assertThat(s.endpoint()).isEqualTo("[fd00::1]:80");
    assertThat(s.addressText()).isEqualTo("fd00::1");
  }

  @Test
  void aMemberWithoutAnyPortNamesTheKey() {
    assertThatThrownBy(() -> DesiredServer.of(List.of(Peer.of("10.0.0.5")), 0))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("10.0.0.5 has no port")
        .hasMessageContaining("adapter.haproxy.server-port");
  }

  @Test
  void theSameMemberTwiceIsOneServer() throws Exception {
    assertThat(DesiredServer.of(List.of(Peer.of("10.0.0.5"), Peer.of("10.0.0.5")), 80)).hasSize(1);
  }

  @Test
  void twoEndpointsForOneNameAreRefused() {
    assertThatThrownBy(
            () ->
                DesiredServer.of(
                    List.of(
                        Peer.of("10.0.0.5").withInstanceId("i-1"),
                        Peer.of("10.0.0.6").withInstanceId("i-1")),
                    80))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("'i-1'")
        .hasMessageContaining("10.0.0.5:80, 10.0.0.6:80");
  }
}
