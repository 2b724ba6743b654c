package io.muster.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.RecordingAdapter;
import io.muster.agent.testing.CapturedLogs;
import io.muster.bootstrap.Membership;
import io.muster.bootstrap.NodeState;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.credentials.MemberRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeaveOnShutdownTest {
  static final Instant T = Instant.parse("2026-11-21T10:00:00Z");
  final RecordingAdapter adapter = new RecordingAdapter();
  final InMemoryCredentialStore store = new InMemoryCredentialStore();
  final NodeState.InMemory state = new NodeState.InMemory();
  final LeaveOnShutdown leave = new LeaveOnShutdown(adapter, store, state, "i-self");

  void aMember() throws Exception {
    adapter.clustered = true;
    state.saveMembership(new Membership("prod", 1, "cid-1", T));
    store.registerMember(new MemberRecord("i-self", "10.0.0.1", null, 1, T));
  }

  @Test
  void aMemberLeavesDeregistersAndForgetsItsMembership() throws Exception {
    aMember();

    try (CapturedLogs logs = CapturedLogs.of("agent")) {
      leave.stop();

      assertThat(logs.lines())
          .containsExactly(
              "INFO leaving the cluster (agent.leave-on-shutdown)", "INFO left the cluster");
    }
    assertThat(adapter.calls).containsExactly("leave:false");
    assertThat(store.deregistered()).containsExactly("i-self");
    assertThat(state.membership()).isEmpty();
  }

  @Test
  void aNodeThatIsNotAMemberDoesNothing() {
    leave.stop();

    assertThat(adapter.calls).isEmpty();
    assertThat(store.deregistered()).isEmpty();
  }

  @Test
  void aFailedLeaveIsLoggedKeepsTheRegistrationAndDoesNotThrow() throws Exception {
    aMember();
    adapter.failLeave = "swarm: leaving would lose quorum";

    try (CapturedLogs logs = CapturedLogs.of("agent")) {
      leave.stop();

      assertThat(logs.lines())
          .containsExactly(
              "INFO leaving the cluster (agent.leave-on-shutdown)",
              "ERROR leave on shutdown failed: swarm: leaving would lose quorum");
    }
    assertThat(store.deregistered()).isEmpty();
    assertThat(state.membership()).isPresent();
  }
}
