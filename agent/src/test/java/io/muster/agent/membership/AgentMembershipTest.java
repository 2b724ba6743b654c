package io.muster.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.discovery.CountingDiscovery;
import io.muster.discovery.Discovery;
import io.muster.model.Peer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgentMembershipTest {
  static final Instant T = Instant.parse("2026-11-21T10:00:00Z");
  final Peer a = Peer.of("10.0.0.10").withInstanceId("i-a");
  final Peer b = Peer.of("10.0.0.9").withInstanceId("i-b");
  final Peer reused = Peer.of("10.0.0.11").withInstanceId("i-new");

  Discovery view(Peer... peers) {
    CountingDiscovery discovery = new CountingDiscovery();
    discovery.see(peers);
    return discovery;
  }

  CredentialStore members(MemberRecord... records) throws Exception {
    InMemoryCredentialStore store = new InMemoryCredentialStore();
    for (MemberRecord r : records) {
      store.registerMember(r);
    }
    return store;
  }

  @Test
  void aPureFollowerMirrorsTheDiscoveredGroupRanked() throws Exception {
    assertThat(FollowerComponent.membership(view(a, b), null, false)).containsExactly(b, a);
  }

  @Test
  void aJoinedNodeFollowsOnlyRegisteredMembersInViewUnderTheSameInstanceId() throws Exception {
    var store =
        members(
            new MemberRecord("i-a", "10.0.0.10", null, 1, T),
            new MemberRecord("i-b", "10.0.0.9", null, 1, T, MemberRecord.Status.JOINING),
            new MemberRecord("i-old", "10.0.0.11", null, 1, T));
    assertThat(FollowerComponent.membership(view(a, b, reused), store, true)).containsExactly(a);
  }
}
