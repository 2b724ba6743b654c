package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuorumTest {

  @ParameterizedTest(name = "{0} managers, {1} down -> allowed={2}")
  @CsvSource({
    // managers, down (others, not this node), allowed
    "1, 0, false", // the only manager: leaving ends the control plane
    "2, 0, true", // 1 of 1 remains
    "2, 1, false",
    "3, 0, true", // 2 of 2 remain
    "3, 1, false", // 1 of 2 remains: no majority
    "3, 2, false",
    "5, 0, true",
    "5, 1, true", // 3 of 4 remain, 3 needed
    "5, 2, false", // 2 of 4 remain
    "5, 3, false",
    "5, 4, false",
    "7, 2, true", // 4 of 6, 4 needed
    "7, 3, false",
  })
  void leavingKeepsAMajorityOfTheRemainingManagers(int managers, int down, boolean allowed) {
    Quorum q = Quorum.afterLeaving(managers, managers - down);
    assertThat(q.allowed()).isEqualTo(allowed);
    if (!allowed && managers > 1) {
      assertThat(q.reason()).contains("lose its quorum").contains(down + " unreachable");
    }
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "3, 0", "3, 4"})
  void impossibleCountsAreRejected(int managers, int reachable) {
    assertThatThrownBy(() -> Quorum.afterLeaving(managers, reachable))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.api.Test
  void onlyManagerReasonSaysSo() {
    assertThat(Quorum.afterLeaving(1, 1).reason()).contains("only manager");
  }
}
