package io.muster.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The fixture's own faults, which the join flow's safety tests rely on. */
class InMemoryCredentialStoreTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  final InMemoryCredentialStore store = new InMemoryCredentialStore();

  static FormationRecord formation(long generation, String owner) {
    return new FormationRecord("prod", generation, "cid-" + generation, owner, "10.0.0.1", T0);
  }

  static MemberRecord member(String instanceId) {
    return new MemberRecord(instanceId, "10.0.0.1", null, 1, T0);
  }

  @Test
  void claimsAreCreateIfAbsentPerGenerationAndTheHighestIsCurrent() throws Exception {
    assertThat(store.claimFormation(formation(1, "i-a"))).isTrue();
    assertThat(store.claimFormation(formation(1, "i-b"))).isFalse();
    assertThat(store.claimFormation(formation(2, "i-b"))).isTrue();

    assertThat(store.currentFormation()).contains(formation(2, "i-b"));
    assertThat(store.formations).containsOnlyKeys(1L, 2L);
  }

  @Test
  void lostClaimsAndRegistrationsReportSuccessAndVanish() throws Exception {
    store.loseNextClaims = 1;
    store.loseNextRegistrations = 1;

    assertThat(store.claimFormation(formation(1, "i-a"))).isTrue();
    store.registerMember(member("i-a"));

    assertThat(store.currentFormation()).isEmpty();
    assertThat(store.members()).isEmpty();
    assertThat(store.claimFormation(formation(1, "i-a"))).as("the next one stays").isTrue();
    assertThat(store.currentFormation()).contains(formation(1, "i-a"));
  }

  @Test
  void aStaleReadMissesTheCurrentFormationOnce() throws Exception {
    store.claimFormation(formation(1, "i-a"));
    store.staleReads = 1;

    assertThat(store.currentFormation()).isEmpty();
    assertThat(store.currentFormation()).contains(formation(1, "i-a"));
  }

  @Test
  void deregistrationsAreRememberedInOrderExceptWhileUnreachable() throws Exception {
    store.registerMember(member("i-a"));
    store.registerMember(member("i-b"));
    store.deregisterMember("i-b");
    store.deregisterMember("i-a");
    store.unreachable = true;

    assertThatThrownBy(() -> store.deregisterMember("i-c")).hasMessage("store unreachable");
    assertThatThrownBy(store::members).isInstanceOf(StoreException.class);
    assertThat(store.deregistered()).containsExactly("i-b", "i-a");
    assertThat(store.members).isEmpty();
  }
}
