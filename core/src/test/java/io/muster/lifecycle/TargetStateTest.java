package io.muster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetStateTest {
  @Test
  void everyDocumentedValue() {
    assertThat(TargetState.of(Optional.empty())).isEqualTo(TargetState.UNKNOWN);
    assertThat(TargetState.of(Optional.of("InService"))).isEqualTo(TargetState.IN_SERVICE);
    assertThat(TargetState.of(Optional.of("Terminated"))).isEqualTo(TargetState.TERMINATED);
    assertThat(TargetState.of(Optional.of("Warmed:Terminated"))).isEqualTo(TargetState.TERMINATED);
    assertThat(TargetState.of(Optional.of("Warmed:Stopped"))).isEqualTo(TargetState.WARMED);
    assertThat(TargetState.of(Optional.of("Warmed:Running"))).isEqualTo(TargetState.WARMED);
    assertThat(TargetState.of(Optional.of("Warmed:Hibernated"))).isEqualTo(TargetState.WARMED);
    assertThat(TargetState.of(Optional.of("Detached"))).isEqualTo(TargetState.OTHER);
    assertThat(TargetState.of(Optional.of("Standby"))).isEqualTo(TargetState.OTHER);
  }

  @Test
  void answeredStatesPerTransition() {
    assertThat(LifecycleStates.answered(LifecycleTransition.LAUNCHING, "Pending:Wait")).isFalse();
    assertThat(LifecycleStates.answered(LifecycleTransition.LAUNCHING, "Pending")).isFalse();
    assertThat(LifecycleStates.answered(LifecycleTransition.LAUNCHING, "Pending:Proceed")).isTrue();
    assertThat(LifecycleStates.answered(LifecycleTransition.LAUNCHING, "InService")).isTrue();
    assertThat(LifecycleStates.answered(LifecycleTransition.LAUNCHING, "Warmed:Pending:Wait"))
        .isFalse();
    assertThat(LifecycleStates.answered(LifecycleTransition.LAUNCHING, "Warmed:Stopped")).isTrue();
    assertThat(LifecycleStates.answered(LifecycleTransition.TERMINATING, "Terminating:Wait"))
        .isFalse();
    assertThat(LifecycleStates.answered(LifecycleTransition.TERMINATING, "Terminating")).isFalse();
    assertThat(LifecycleStates.answered(LifecycleTransition.TERMINATING, "Terminating:Proceed"))
        .isTrue();
    assertThat(
            LifecycleStates.answered(LifecycleTransition.TERMINATING, "Warmed:Terminating:Proceed"))
        .isTrue();
  }
}
