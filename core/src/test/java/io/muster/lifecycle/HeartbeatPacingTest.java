package io.muster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatPacingTest {
  @Test
  void aThirdOfTheHookTimeout() {
    assertThat(HeartbeatPacing.defaultInterval(Duration.ofSeconds(3600)))
        .isEqualTo(Duration.ofSeconds(1200));
    assertThat(HeartbeatPacing.defaultInterval(Duration.ofSeconds(30)))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void dueEveryIntervalFromTheLastHeartbeat() {
    ManualClock clock = new ManualClock();
    HeartbeatPacing p = new HeartbeatPacing(Duration.ofSeconds(100), clock.instant());
    assertThat(p.due(clock.instant())).isFalse();
    clock.advance(Duration.ofSeconds(99));
    assertThat(p.untilDue(clock.instant())).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(p.due(clock.instant())).isTrue();
    p.sent(clock.instant());
    assertThat(p.due(clock.instant())).isFalse();
    assertThat(p.untilDue(clock.instant())).isEqualTo(Duration.ofSeconds(100));
  }
}
