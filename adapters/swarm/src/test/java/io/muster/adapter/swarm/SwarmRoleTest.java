package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.swarm.SwarmSettings.RolePolicy;
import io.muster.election.Election;
import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SwarmRoleTest {
  // Ranked by Election.rank: numeric order, so .9 comes before .10.
  private static final List<Peer> VIEW =
      Election.rank(
          List.of(
              Peer.of("10.0.0.10"),
              Peer.of("10.0.0.9"),
              Peer.of("10.0.0.20"),
              Peer.of("10.0.0.3"),
              Peer.of("10.0.0.100")));

  private static InetAddress ip(String s) {
    return IpLiteral.parse(s);
  }

  @ParameterizedTest(name = "{0} with managers={1} -> manager={2}")
  @CsvSource({
    "10.0.0.3, 3, true", // rank 1 (the seed)
    "10.0.0.9, 3, true", // rank 2
    "10.0.0.10, 3, true", // rank 3
    "10.0.0.20, 3, false", // rank 4
    "10.0.0.100, 3, false",
    "10.0.0.3, 1, true",
    "10.0.0.9, 1, false",
    "10.0.0.100, 5, true",
  })
  void autoPicksTheFirstManagersOfTheRankedView(String self, int managers, boolean manager) {
    SwarmRole r = SwarmRole.assign(RolePolicy.AUTO, managers, ip(self), VIEW);
    assertThat(r.manager()).isEqualTo(manager);
    assertThat(r.tokenName()).isEqualTo(manager ? "swarm-manager-token" : "swarm-worker-token");
    assertThat(r.reason()).contains("of 5 in the view").contains("first " + managers);
  }

  @Test
  void fixedPoliciesIgnoreTheRank() {
    assertThat(SwarmRole.assign(RolePolicy.MANAGER, 1, ip("10.0.0.100"), VIEW).manager()).isTrue();
    assertThat(SwarmRole.assign(RolePolicy.WORKER, 7, ip("10.0.0.3"), VIEW).manager()).isFalse();
  }

  @Test
  void aNodeMissingFromTheViewJoinsAsAWorker() {
    SwarmRole r = SwarmRole.assign(RolePolicy.AUTO, 3, ip("10.9.9.9"), VIEW);
    assertThat(r.manager()).isFalse();
    assertThat(r.reason()).contains("not in the view");
  }

  @Test
  void joinOrderPutsLikelyManagersFirstAndSkipsSelf() {
    List<Peer> members =
        List.of(
            Peer.of("10.0.0.3"), Peer.of("10.0.0.20"), Peer.of("10.0.0.9"), Peer.of("10.0.0.100"));
    List<Peer> order = SwarmRole.joinOrder(members, VIEW, 3, ip("10.0.0.9"));
    assertThat(order)
        .extracting(Peer::addressText)
        .containsExactly("10.0.0.3", "10.0.0.20", "10.0.0.100");
    List<Peer> one = SwarmRole.joinOrder(members, VIEW, 1, ip("10.0.0.100"));
    assertThat(one)
        .extracting(Peer::addressText)
        .containsExactly("10.0.0.3", "10.0.0.20", "10.0.0.9");
    // A member missing from the view (view lag) is still tried, last.
    List<Peer> lag =
        SwarmRole.joinOrder(
            List.of(Peer.of("10.0.0.50"), Peer.of("10.0.0.9")), VIEW, 3, ip("10.0.0.100"));
    assertThat(lag).extracting(Peer::addressText).containsExactly("10.0.0.9", "10.0.0.50");
  }
}
