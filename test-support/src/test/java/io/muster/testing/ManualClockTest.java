package io.muster.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {

  @Test
  void movesOnlyWhenToldAndCountsOnlySleeps() {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));

    clock.advance(Duration.ofSeconds(5));
    clock.sleep(Duration.ofSeconds(2));
    clock.sleep(Duration.ofMillis(500));

    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-21T10:00:07.500Z"));
    assertThat(clock.slept()).isEqualTo(Duration.ofMillis(2500));
    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(2), Duration.ofMillis(500));

    clock.set(Instant.parse("2026-11-21T09:00:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-21T09:00:00Z"));
    assertThat(clock.slept()).isEqualTo(Duration.ofMillis(2500));
    assertThat(clock.sleeps()).hasSize(2);
  }

  @Test
  void hooksRunAfterEverySleepWithTheClockAlreadyMoved() {
    ManualClock clock = new ManualClock();
    List<Instant> seen = new ArrayList<>();
    clock.onSleep(() -> seen.add(clock.instant()));

    clock.sleep(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    clock.sleep(Duration.ofSeconds(1));

    assertThat(seen)
        .containsExactly(
            ManualClock.DEFAULT_START.plusSeconds(1), ManualClock.DEFAULT_START.plusSeconds(3));
  }

  @Test
  void aWhenSleptActionRunsOnceAfterTheSleepThatBringsTheTotalToItsMark() {
    ManualClock clock = new ManualClock();
    List<Instant> ran = new ArrayList<>();
    clock.whenSlept(Duration.ofSeconds(5), () -> ran.add(clock.instant()));

    clock.sleep(Duration.ofSeconds(2));
    clock.advance(Duration.ofSeconds(10)); // not sleeping: does not count towards the mark
    clock.sleep(Duration.ofSeconds(2));
    assertThat(ran).as("4 s slept").isEmpty();

    clock.sleep(Duration.ofSeconds(2));
    clock.sleep(Duration.ofSeconds(2));

    assertThat(ran).containsExactly(ManualClock.DEFAULT_START.plusSeconds(16));
  }

  @Test
  void aZonedViewSharesTheTime() {
    ManualClock clock = new ManualClock();
    Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.sleep(Duration.ofMinutes(1));

    assertThat(paris.instant()).isEqualTo(clock.instant());
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(clock.withZone(clock.getZone())).isSameAs(clock);
  }
}
