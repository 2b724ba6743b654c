package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.model.Peer;
import org.junit.jupiter.api.Test;

class ServerNameTest {
  @Test
  void theInstanceIdWhenKnown() {
    assertThat(ServerName.of(Peer.of("10.0.0.5").withInstanceId("i-0abc123def")))
        .isEqualTo("i-0abc123def");
  }

  @Test
  void theAddressWithDashesWhenNoId() {
    assertThat(ServerName.of(Peer.of("10.0.0.5"))).isEqualTo("10-0-0-5");
  }

  @Test
  void ipv6AddressesBecomeDashedToo() {
    assertThat(ServerName.of(Peer.of("fd00::1"))).isEqualTo("fd00-0-0-0-0-0-0-1");
  }

  @Test
  void operatorGivenIdsAreSanitised() {
    assertThat(ServerName.of(Peer.of("10.0.0.5").withInstanceId("web 1/eu.west:a")))
        .isEqualTo("web-1-eu-west-a");
  }

  @Test
  void aBlankIdFallsBackToTheAddress() {
    assertThat(ServerName.of(Peer.of("10.0.0.5").withInstanceId("  "))).isEqualTo("10-0-0-5");
  }

  @Test
  void theNameDependsOnlyOnIdentitySoAnAddressChangeKeepsIt() {
    assertThat(ServerName.of(Peer.of("10.0.0.5").withInstanceId("i-1")))
        .isEqualTo(ServerName.of(Peer.of("10.0.0.9").withInstanceId("i-1").withHostname("h")));
  }
}
