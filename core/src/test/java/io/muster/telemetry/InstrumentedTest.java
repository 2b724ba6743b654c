package io.muster.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.adapter.MembershipFollower;
import io.muster.adapter.RecordingAdapter;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.StoreException;
import io.muster.discovery.CountingDiscovery;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import io.muster.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decorators report each call once, with its outcome and latency, and change nothing. */
class InstrumentedTest {
  final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
  final List<String> reported = new ArrayList<>();
  final Telemetry recording =
      new Telemetry() {
        @Override
        public void discovery(
            String provider, Outcome outcome, Duration latency, List<Peer> peers, String error) {
          reported.add(
              "discovery "
                  + provider
                  + " "
                  + outcome.label()
                  + " "
                  + latency.toMillis()
                  + "ms peers="
                  + peers.size()
                  + " error="
                  + error);
        }

        @Override
        public void store(String operation, Outcome outcome, Duration latency, String error) {
          reported.add(
              "store "
                  + operation
                  + " "
                  + outcome.label()
                  + " "
                  + latency.toMillis()
                  + "ms error="
                  + error);
        }

        @Override
        public void adapter(String adapter, String verb, Outcome outcome, String error) {
          reported.add("adapter " + adapter + " " + verb + " " + outcome.label() + " " + error);
        }
      };

  @Test
  void discoveryReportsEachPassWithItsPeersAndLatencyAndFailuresWithTheirMessage()
      throws Exception {
    CountingDiscovery inner = new CountingDiscovery();
    inner.see(Peer.of("10.0.0.1"), Peer.of("10.0.0.2"));
    Discovery slow = new Discovery(inner, clock);
    InstrumentedDiscovery d = new InstrumentedDiscovery(slow, "static", recording, clock);

    assertThat(d.list()).hasSize(2);
    assertThat(d.discover()).hasSize(2);
    inner.failWith("no peers: check discovery.static.peers");
    assertThatThrownBy(d::list).isInstanceOf(DiscoveryException.class);

    assertThat(reported)
        .containsExactly(
            "discovery static ok 250ms peers=2 error=null",
            "discovery static ok 250ms peers=2 error=null",
            "discovery static error 250ms peers=0 error=no peers: check discovery.static.peers");
    assertThat(inner.listCalls()).isEqualTo(2);
    assertThat(inner.discoverCalls()).as("a listing stays a listing").isEqualTo(1);
  }

  @Test
  void theFleetsExpectedSizePassesThroughUnreported() throws Exception {
    CountingDiscovery inner = new CountingDiscovery();
    inner.expect(1000);
    InstrumentedDiscovery d = new InstrumentedDiscovery(inner, "asg", recording, clock);

    assertThat(d.expectedSize()).hasValue(1000);
    assertThat(inner.expectedSizeCalls()).isEqualTo(1);
    assertThat(reported).as("not a discovery pass").isEmpty();
  }

  /** A discovery that takes 250 ms of the manual clock per pass. */
  private record Discovery(CountingDiscovery inner, ManualClock clock)
      implements io.muster.discovery.Discovery {
    @Override
    public List<Peer> discover() throws DiscoveryException {
      clock.advance(Duration.ofMillis(250));
      return inner.discover();
    }

    @Override
    public List<Peer> list() throws DiscoveryException {
      clock.advance(Duration.ofMillis(250));
      return inner.list();
    }

    @Override
    public String describe() {
      return "test";
    }
  }

  @Test
  void storeReportsEveryOperationByNameAndThrottlingApartFromOtherErrors() throws Exception {
    InMemoryCredentialStore memory = new InMemoryCredentialStore();
    InstrumentedStore store = new InstrumentedStore(memory, recording, clock);
    Instant t = clock.instant();

    store.currentFormation();
    assertThat(store.claimFormation(new FormationRecord("prod", 1, "cid", "i-1", "10.0.0.1", t)))
        .isTrue();
    store.putCredentials(1, new Credentials(java.util.Map.of()));
    store.credentials(1);
    store.registerMember(new MemberRecord("i-1", "10.0.0.1", null, 1, t));
    store.member("i-1");
    store.members();
    store.deregisterMember("i-1");
    memory.unreachable = true;
    assertThatThrownBy(store::members).isInstanceOf(StoreException.class);

    assertThat(reported)
        .extracting(r -> r.substring(0, r.indexOf(" 0ms")))
        .containsExactly(
            "store current_formation ok",
            "store claim_formation ok",
            "store put_credentials ok",
            "store credentials ok",
            "store register_member ok",
            "store member ok",
            "store members ok",
            "store deregister_member ok",
            "store members error");

    reported.clear();
    CredentialStore throttling =
        new ThrottledStore(
            memory, new StoreException("ssm:GetParameter was throttled", null, true));
    assertThatThrownBy(() -> new InstrumentedStore(throttling, recording, clock).currentFormation())
        .isInstanceOf(StoreException.class);
    assertThat(reported)
        .containsExactly(
            "store current_formation throttled 0ms error=ssm:GetParameter was throttled");
  }

  /** A store whose current formation throws {@code e}. */
  private static final class ThrottledStore implements CredentialStore {
    private final CredentialStore inner;
    private final StoreException e;

    ThrottledStore(CredentialStore inner, StoreException e) {
      this.inner = inner;
      this.e = e;
    }

    @Override
    public Optional<FormationRecord> currentFormation() throws StoreException {
      throw e;
    }

    @Override
    public boolean claimFormation(FormationRecord record) throws StoreException {
      return inner.claimFormation(record);
    }

    @Override
    public void putCredentials(long generation, Credentials credentials) throws StoreException {
      inner.putCredentials(generation, credentials);
    }

    @Override
    public Optional<Credentials> credentials(long generation) throws StoreException {
      return inner.credentials(generation);
    }

    @Override
    public void registerMember(MemberRecord member) throws StoreException {
      inner.registerMember(member);
    }

    @Override
    public void deregisterMember(String instanceId) throws StoreException {
      inner.deregisterMember(instanceId);
    }

    @Override
    public List<MemberRecord> members() throws StoreException {
      return inner.members();
    }

    @Override
    public String describe() {
      return "throttled";
    }
  }

  @Test
  void adapterReportsVerbsAndAFailedVerificationIsAnError() throws Exception {
    RecordingAdapter inner = new RecordingAdapter();
    InstrumentedAdapter a = new InstrumentedAdapter(inner, recording);

    a.inspect();
    Optional<String> problem = a.verify(List.of());
    inner.failLeave = "leave script exited 3";
    assertThatThrownBy(() -> a.leave(false)).isInstanceOf(AdapterException.class);

    assertThat(problem).as("not clustered: the recording adapter says so").isPresent();
    assertThat(reported)
        .containsExactly(
            "adapter recording inspect ok null",
            "adapter recording verify error " + problem.get(),
            "adapter recording leave error leave script exited 3");
  }

  @Test
  void verifyTargetIsForwardedToTheAdapterNotLeftToTheDefault() throws Exception {
    RecordingAdapter inner = new RecordingAdapter();
    inner.refuse.put("10.0.0.2", "a standalone node");
    InstrumentedAdapter a = new InstrumentedAdapter(inner, recording);
    io.muster.adapter.JoinRequest req =
        new io.muster.adapter.JoinRequest(
            "c",
            "id",
            io.muster.model.NodeIdentity.of("i-3", "10.0.0.3"),
            List.of(Peer.of("10.0.0.1"), Peer.of("10.0.0.2")),
            io.muster.credentials.Credentials.none(),
            List.of());

    assertThat(a.verifyTarget(req, Peer.of("10.0.0.1"))).isEmpty();
    assertThat(a.verifyTarget(req, Peer.of("10.0.0.2"))).contains("a standalone node");
    assertThat(inner.verifiedTargets).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(reported)
        .containsExactly(
            "adapter recording verify-target ok null", "adapter recording verify-target ok null");
  }

  @Test
  void aFollowerReportsMembersChanged() throws Exception {
    List<List<Peer>> told = new ArrayList<>();
    MembershipFollower f =
        InstrumentedAdapter.follower(
            new MembershipFollower() {
              @Override
              public String name() {
                return "haproxy";
              }

              @Override
              public void membersChanged(List<Peer> members) {
                told.add(members);
              }
            },
            recording);

    f.membersChanged(List.of(Peer.of("10.0.0.1")));

    assertThat(told).containsExactly(List.of(Peer.of("10.0.0.1")));
    assertThat(f.name()).isEqualTo("haproxy");
    assertThat(reported).containsExactly("adapter haproxy members-changed ok null");
  }
}
