package io.muster.election;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.model.Peer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElectionTest {
  static final ElectionSettings SETTINGS = new ElectionSettings(Duration.ofSeconds(10), 3);
  static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  final Peer a = peer("10.0.0.9", "i-a");
  final Peer b = peer("10.0.0.10", "i-b");
  final Peer c = peer("10.0.1.1", "i-c");
  final List<Peer> view = List.of(c, b, a);

  static Peer peer(String address, String id) {
    return Peer.of(address).withInstanceId(id);
  }

  static Snapshot snap(Peer self, List<Peer> view, Duration stable, ClusterState cluster) {
    return new Snapshot(self, view, stable, NOW, SETTINGS, cluster);
  }

  @Test
  void seedOfAStableViewFormsGenerationOne() {
    Decision d = Election.decide(snap(a, view, Duration.ofSeconds(10), ClusterState.NEVER_FORMED));
    assertThat(d).isEqualTo(new Decision.Form(1, d.reason()));
    assertThat(d.reason()).contains("seed (lowest address) of a stable view of 3");
  }

  @Test
  void nonSeedWaitsForTheSeedAndNamesIt() {
    Decision d = Election.decide(snap(b, view, Duration.ofMinutes(1), ClusterState.NEVER_FORMED));
    assertThat(d).isInstanceOf(Decision.Wait.class);
    assertThat(d.reason()).contains("seed is 10.0.0.9");
  }

  @Test
  void unstableViewWaitsAndSaysForHowLong() {
    Decision d = Election.decide(snap(a, view, Duration.ofSeconds(4), ClusterState.NEVER_FORMED));
    assertThat(d).isInstanceOf(Decision.Wait.class);
    assertThat(d.reason()).contains("unchanged for 4s, stable after 10s");
  }

  @Test
  void tooSmallViewWaitsAndNamesMinPeers() {
    Decision d =
        Election.decide(snap(a, List.of(a, b), Duration.ofMinutes(1), ClusterState.NEVER_FORMED));
    assertThat(d).isInstanceOf(Decision.Wait.class);
    assertThat(d.reason()).contains("view has 2 of the 3 peers election.min-peers requires");
  }

  @Test
  void selfMissingFromItsOwnViewIsSaidPlainly() {
    Peer stranger = peer("10.0.0.1", "i-x");
    Decision d =
        Election.decide(snap(stranger, view, Duration.ofMinutes(1), ClusterState.NEVER_FORMED));
    assertThat(d).isInstanceOf(Decision.Wait.class);
    assertThat(d.reason())
        .contains("this node (10.0.0.1) is not in its own view of 3 peer(s)")
        .contains("check the discovery filters");
  }

  @Test
  void liveMembersMeanJoinThroughThemLowestFirst() {
    ClusterState formed = new ClusterState(true, 1, "i-a", true, List.of(c, a), false);
    Decision d = Election.decide(snap(b, view, Duration.ZERO, formed));
    assertThat(d).isInstanceOf(Decision.Join.class);
    assertThat(((Decision.Join) d).candidates()).containsExactly(a, c);
    assertThat(d.reason()).contains("joining through 10.0.0.9");
  }

  @Test
  void joinDoesNotWaitForAStableView() {
    ClusterState formed = new ClusterState(true, 2, "i-c", true, List.of(c), false);
    assertThat(Election.decide(snap(a, view, Duration.ZERO, formed)))
        .isInstanceOf(Decision.Join.class);
  }

  @Test
  void claimOwnerResumesItsOwnFormation() {
    ClusterState claimed = new ClusterState(true, 1, "i-b", true, List.of(), false);
    Decision d = Election.decide(snap(b, view, Duration.ZERO, claimed));
    assertThat(d).isEqualTo(new Decision.Form(1, d.reason()));
    assertThat(d.reason()).contains("resuming");
  }

  @Test
  void othersWaitWhileTheClaimOwnerIsAlive() {
    ClusterState claimed = new ClusterState(true, 1, "i-b", true, List.of(), false);
    Decision d = Election.decide(snap(a, view, Duration.ofMinutes(5), claimed));
    assertThat(d).isInstanceOf(Decision.Wait.class);
    assertThat(d.reason()).contains("claimed by i-b, which is still in the view");
  }

  @Test
  void aLaggingViewThatDoesNotShowTheMembersYetNeverReplacesThem() {
    ClusterState notSeenYet =
        new ClusterState(true, 4, "i-old", false, List.of(), false, 0, Duration.ofSeconds(30));
    Decision d = Election.decide(snap(a, view, Duration.ofMinutes(1), notSeenYet));
    assertThat(d).isInstanceOf(Decision.Wait.class);
    assertThat(d.reason()).contains("replaced only after 2m (election.replace-after)");
  }

  @Test
  void deadFleetIsReplacedByTheNextGenerationFromTheNewSeed() {
    ClusterState orphan =
        new ClusterState(true, 4, "i-old", false, List.of(), false, 0, Duration.ofMinutes(2));
    Decision d = Election.decide(snap(a, view, Duration.ofSeconds(10), orphan));
    assertThat(d).isEqualTo(new Decision.Form(5, d.reason()));
    assertThat(d.reason()).contains("generation 4 has no live member and its founder is gone");
  }

  @Test
  void aLiveJoinerOfTheOldGenerationBlocksItsReplacement() {
    ClusterState joining = new ClusterState(true, 4, "i-old", false, List.of(), false, 1);
    Decision d = Election.decide(snap(a, view, Duration.ofMinutes(10), joining));
    assertThat(d).isInstanceOf(Decision.Wait.class);
    assertThat(d.reason()).contains("1 node(s) in the view are joining it");
  }

  @Test
  void deadFleetReplacementStillNeedsAStableView() {
    ClusterState orphan =
        new ClusterState(true, 4, "i-old", false, List.of(), false, 0, Duration.ofMinutes(2));
    assertThat(Election.decide(snap(a, view, Duration.ofSeconds(3), orphan)))
        .isInstanceOf(Decision.Wait.class);
  }

  @Test
  void aFormerMemberNeverFormsOnItsOwn() {
    ClusterState wasMember = new ClusterState(true, 4, "i-old", false, List.of(), true);
    Decision d = Election.decide(snap(a, view, Duration.ofMinutes(10), wasMember));
    assertThat(d).isInstanceOf(Decision.Wait.class);
    assertThat(d.reason()).contains("never forms a new cluster on its own");
  }

  @Test
  void withoutTheStoreTheDecisionSaysSo() {
    Decision d = Election.decide(snap(a, view, Duration.ofSeconds(10), ClusterState.UNKNOWN));
    assertThat(d.reason()).startsWith("store not consulted;");
  }

  @Test
  void duplicateAddressesCountOnce() {
    Decision d =
        Election.decide(
            snap(a, List.of(a, a, b, b), Duration.ofMinutes(1), ClusterState.NEVER_FORMED));
    assertThat(d.reason()).contains("view has 2 of the 3");
  }
}
