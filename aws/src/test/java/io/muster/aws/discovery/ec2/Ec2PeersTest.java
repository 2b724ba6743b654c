package io.muster.aws.discovery.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.model.Peer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ec2PeersTest {
  static Ec2Instance instance(String id, String state, String v4, String v6) {
    return new Ec2Instance(
        id, state, v4, v6, "ip-x.internal", "eu-west-1a", Instant.EPOCH, Map.of("k", "v"));
  }

  @Test
  void privateIpv4IsTheAddressEvenWhenTheInstanceAlsoHasIpv6() {
    Peer p = Ec2Peers.toPeer(instance("i-1", "running", "10.0.0.1", "2001:db8::1")).orElseThrow();

    assertThat(p.addressText()).isEqualTo("10.0.0.1");
    assertThat(p.instanceId()).isEqualTo("i-1");
    assertThat(p.hostname()).isEqualTo("ip-x.internal");
    assertThat(p.availabilityZone()).isEqualTo("eu-west-1a");
    assertThat(p.launchTime()).isEqualTo(Instant.EPOCH);
    assertThat(p.tags()).containsExactly(Map.entry("k", "v"));
    assertThat(p.port()).isZero();
  }

  @Test
  void ipv6IsTheAddressOnlyWithoutIpv4() {
    Peer p = Ec2Peers.toPeer(instance("i-1", "running", null, "2001:db8::1")).orElseThrow();

    assertThat(p.addressText()).isEqualTo("2001:db8::1");
  }

  @Test
  void noAddressNoPeer() {
    assertThat(Ec2Peers.toPeer(instance("i-1", "pending", null, null))).isEmpty();
    assertThat(Ec2Peers.toPeer(instance("i-1", "pending", "", " "))).isEmpty();
  }

  @Test
  void blankDnsNameIsNoHostname() {
    Ec2Instance i = new Ec2Instance("i-1", "running", "10.0.0.1", null, "", null, null, null);

    assertThat(Ec2Peers.toPeer(i).orElseThrow().hostname()).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "pending,true",
    "running,true",
    "shutting-down,false",
    "terminated,false",
    "stopping,false",
    "stopped,false"
  })
  void onlyPendingAndRunningInstancesAreLive(String state, boolean live) {
    assertThat(Ec2Peers.isLive(instance("i-1", state, "10.0.0.1", null))).isEqualTo(live);
  }

  @Test
  void toPeersKeepsOrderAndLeavesOutDuplicatesDeadAndAddressless() {
    List<Peer> peers =
        Ec2Peers.toPeers(
            List.of(
                instance("i-3", "running", "10.0.0.3", null),
                instance("i-1", "running", "10.0.0.1", null),
                instance("i-3", "running", "10.0.0.99", null),
                instance("i-4", "terminated", "10.0.0.4", null),
                instance("i-5", "pending", null, null),
                instance("i-2", "pending", "10.0.0.2", null)));

    assertThat(peers).extracting(Peer::instanceId).containsExactly("i-3", "i-1", "i-2");
    assertThat(peers.get(0).addressText()).isEqualTo("10.0.0.3");
  }
}
