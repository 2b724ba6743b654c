package io.muster.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every credential store must do, whatever is behind it. Each store's test extends this and
 * says how to build the store for a cluster name.
 */
public abstract class CredentialStoreContract {
  protected static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  /** A store for {@code cluster}, built through its provider. */
  protected abstract CredentialStore store(String cluster);

  protected static FormationRecord formation(String cluster, long gen, String owner) {
    return new FormationRecord(cluster, gen, "id-" + gen + "-" + owner, owner, "10.0.0.1", T0);
  }

  protected static MemberRecord member(String id, String address, long gen) {
    return new MemberRecord(id, address, "host-" + id, gen, T0.plusSeconds(gen));
  }

  @Test
  void aLifecycleRecordIsCreatedOnceThenOverwrittenByItsOwnerOrRefusedNamingTheFix()
      throws Exception {
    CredentialStore s = store("lifecycle");
    if (!s.holdsLifecycleRecords()) {
      assertThatThrownBy(() -> s.createLifecycleRecord("tok-1.1", "{}"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("store.provider");
      return;
    }
    assertThat(s.lifecycleRecord("tok-1.1")).isEmpty();
    assertThat(s.createLifecycleRecord("tok-1.1", "{\"owner\":\"a\"}")).isTrue();
    assertThat(s.createLifecycleRecord("tok-1.1", "{\"owner\":\"b\"}")).isFalse();
    assertThat(s.lifecycleRecord("tok-1.1")).contains("{\"owner\":\"a\"}");
    s.putLifecycleRecord("tok-1.1", "{\"owner\":\"a\",\"state\":\"DONE\"}");
    assertThat(s.lifecycleRecord("tok-1.1")).contains("{\"owner\":\"a\",\"state\":\"DONE\"}");
    assertThat(store("other").lifecycleRecord("tok-1.1")).isEmpty();
    s.createLifecycleRecord("i-1.terminating", "{}");
    assertThat(s.lifecycleRecordNames()).containsExactlyInAnyOrder("tok-1.1", "i-1.terminating");
    s.deleteLifecycleRecord("tok-1.1");
    s.deleteLifecycleRecord("tok-1.1"); // gone already: nothing happens
    assertThat(s.lifecycleRecordNames()).containsExactly("i-1.terminating");
    assertThat(s.createLifecycleRecord("tok-1.1", "{}")).isTrue();
    assertThatThrownBy(() -> s.createLifecycleRecord("a/b", "{}"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("a/b");
  }

  @Test
  void anEmptyStoreHoldsNothing() throws Exception {
    CredentialStore s = store("empty");
    assertThat(s.currentFormation()).isEmpty();
    assertThat(s.credentials(1)).isEmpty();
    assertThat(s.members()).isEmpty();
  }

  @Test
  void theFirstClaimWinsAndALaterClaimOfTheSameGenerationLosesKeepingTheFirstRecord()
      throws Exception {
    CredentialStore s = store("claim");
    FormationRecord first = formation("claim", 1, "i-first");
    assertThat(s.claimFormation(first)).isTrue();
    assertThat(s.claimFormation(formation("claim", 1, "i-second"))).isFalse();
    assertThat(s.currentFormation()).contains(first);
  }

  @Test
  void theCurrentFormationIsTheNumericallyHighestGeneration() throws Exception {
    CredentialStore s = store("gens");
    for (long g : new long[] {2, 9, 10, 3}) {
      assertThat(s.claimFormation(formation("gens", g, "i-" + g))).isTrue();
    }
    // 10 > 9 by value, although "10" < "9" as text.
    assertThat(s.currentFormation()).contains(formation("gens", 10, "i-10"));
  }

  @Test
  void credentialsRoundTripAndMayBeOverwritten() throws Exception {
    CredentialStore s = store("creds");
    Credentials c1 =
        new Credentials(
            Map.of("erlang-cookie", Secret.of("c00kie"), "token", Secret.of("t\"ok\\en ü")));
    s.putCredentials(1, c1);
    assertThat(s.credentials(1)).contains(c1);
    Credentials c2 = new Credentials(Map.of("erlang-cookie", Secret.of("rotated")));
    s.putCredentials(1, c2);
    assertThat(s.credentials(1)).contains(c2);
    assertThat(s.credentials(2)).isEmpty();
  }

  @Test
  void emptyCredentialsRoundTrip() throws Exception {
    CredentialStore s = store("nocreds");
    s.putCredentials(4, Credentials.none());
    assertThat(s.credentials(4)).contains(Credentials.none());
  }

  @Test
  void membersRegisterRefreshAndDeregister() throws Exception {
    CredentialStore s = store("members");
    s.registerMember(member("i-b", "10.0.0.2", 1));
    s.registerMember(member("i-a", "10.0.0.1", 1));
    s.registerMember(new MemberRecord("i-c", "10.0.0.3", null, 1, T0));
    assertThat(s.members())
        .containsExactly(
            member("i-a", "10.0.0.1", 1),
            member("i-b", "10.0.0.2", 1),
            new MemberRecord("i-c", "10.0.0.3", null, 1, T0));
    s.registerMember(member("i-a", "10.0.0.7", 2)); // refresh: new address and generation
    s.deregisterMember("i-b");
    s.deregisterMember("i-never-registered");
    assertThat(s.members())
        .containsExactly(
            member("i-a", "10.0.0.7", 2), new MemberRecord("i-c", "10.0.0.3", null, 1, T0));
  }

  @Test
  void aJoiningRegistrationReadsBackAsJoiningUntilItBecomesAMember() throws Exception {
    CredentialStore s = store("status");
    s.registerMember(new MemberRecord("i-j", "10.0.0.9", null, 1, T0, MemberRecord.Status.JOINING));
    assertThat(s.members())
        .singleElement()
        .extracting(MemberRecord::status)
        .isEqualTo(MemberRecord.Status.JOINING);
    s.registerMember(new MemberRecord("i-j", "10.0.0.9", null, 1, T0, MemberRecord.Status.MEMBER));
    assertThat(s.members())
        .singleElement()
        .extracting(MemberRecord::status)
        .isEqualTo(MemberRecord.Status.MEMBER);
  }

  @Test
  void aMembersRecordKeepsTheClusterIdItNames() throws Exception {
    CredentialStore s = store("clusterid");
    MemberRecord m =
        new MemberRecord("i-m", "10.0.0.5", null, 3, T0, MemberRecord.Status.MEMBER, "uuid-3");
    s.registerMember(m);
    assertThat(s.member("i-m")).contains(m);
    assertThat(s.members()).containsExactly(m);
  }

  @Test
  void oneMembersRegistrationIsReadAloneWithItsStatus() throws Exception {
    CredentialStore s = store("one");
    assertThat(s.member("i-j")).isEmpty();
    s.registerMember(member("i-a", "10.0.0.1", 1));
    s.registerMember(new MemberRecord("i-j", "10.0.0.9", null, 2, T0, MemberRecord.Status.JOINING));
    assertThat(s.member("i-j"))
        .contains(new MemberRecord("i-j", "10.0.0.9", null, 2, T0, MemberRecord.Status.JOINING));
    s.deregisterMember("i-j");
    assertThat(s.member("i-j")).isEmpty();
    assertThat(s.member("i-a")).contains(member("i-a", "10.0.0.1", 1));
  }

  @Test
  void aMembersRecordAndAGenerationsCredentialsAreReadTogetherEachEmptyWhenMissing()
      throws Exception {
    CredentialStore s = store("together");
    assertThat(s.memberAndCredentials("i-f", 2))
        .isEqualTo(new MemberAndCredentials(Optional.empty(), Optional.empty()));
    MemberRecord founder =
        new MemberRecord("i-f", "10.0.0.3", null, 2, T0, MemberRecord.Status.MEMBER, "uuid-2");
    s.registerMember(founder);
    assertThat(s.memberAndCredentials("i-f", 2))
        .isEqualTo(new MemberAndCredentials(Optional.of(founder), Optional.empty()));
    Credentials c = new Credentials(Map.of("erlang-cookie", Secret.of("cookie-2")));
    s.putCredentials(2, c);
    s.putCredentials(3, new Credentials(Map.of("erlang-cookie", Secret.of("cookie-3"))));
    assertThat(s.memberAndCredentials("i-f", 2))
        .isEqualTo(new MemberAndCredentials(Optional.of(founder), Optional.of(c)));
    assertThat(s.memberAndCredentials("i-other", 2))
        .isEqualTo(new MemberAndCredentials(Optional.empty(), Optional.of(c)));
  }

  @Test
  void instanceIdsThatCannotNameAnEntryAreRejectedWithTheFix() {
    CredentialStore s = store("badid");
    assertThatThrownBy(() -> s.registerMember(member("../escape", "10.0.0.1", 1)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'../escape'")
        .hasMessageContaining("node.instance-id");
  }

  @Test
  void clustersDoNotSeeEachOther() throws Exception {
    CredentialStore a = store("alpha");
    CredentialStore b = store("alpha-2");
    a.claimFormation(formation("alpha", 1, "i-a"));
    a.registerMember(member("i-a", "10.0.0.1", 1));
    a.putCredentials(1, new Credentials(Map.of("k", Secret.of("v"))));
    assertThat(b.currentFormation()).isEmpty();
    assertThat(b.members()).isEmpty();
    assertThat(b.credentials(1)).isEmpty();
    assertThat(List.of(a.describe(), b.describe())).doesNotHaveDuplicates();
  }
}
