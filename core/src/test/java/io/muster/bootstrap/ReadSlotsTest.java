package io.muster.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReadSlotsTest {
  static final long PERIOD = 50_000; // 1,000 nodes at store.fleet-rate 20
  static final long CAP = 90_000; // three quarters of election.replace-after (2 min)
  static final long T = 1_767_225_600_000L;

  @Test
  void aSlotIsTheFirstMomentAtThePhaseAtOrAfterTheEarliest() {
    long slot = ReadSlots.atOrAfter(T + 1, PERIOD, 0.5);
    assertThat(slot).isBetween(T + 1, T + PERIOD);
    assertThat(Math.floorMod(slot, PERIOD)).isEqualTo(PERIOD / 2);
    assertThat(ReadSlots.atOrAfter(slot, PERIOD, 0.5)).isEqualTo(slot);
    assertThat(ReadSlots.atOrAfter(slot + 1, PERIOD, 0.5)).isEqualTo(slot + PERIOD);
  }

  @Test
  void aNodeAtItsPhaseReadsAgainOnePeriodLater() {
    long last = ReadSlots.atOrAfter(T, PERIOD, 0.3);
    assertThat(ReadSlots.nextRead(last, PERIOD, 0.3)).isEqualTo(last + PERIOD);
  }

  @Test
  void aNodeMovesToItsPhaseOnlyInTheSecondHalfOfAPeriodAndNeverWaitsLonger() {
    long last = ReadSlots.atOrAfter(T, PERIOD, 0.25);
    // Its phase 25 s after the last read: moves there.
    assertThat(ReadSlots.nextRead(last, PERIOD, 0.75)).isEqualTo(last + 25_000);
    // 37.5 s after it: moves there.
    assertThat(ReadSlots.nextRead(last, PERIOD, 0.0)).isEqualTo(last + 37_500);
    // 12.5 s after it: too soon, and its next phase, 62.5 s after it, too late: a period.
    assertThat(ReadSlots.nextRead(last, PERIOD, 0.5)).isEqualTo(last + PERIOD);
  }

  /**
   * A fleet whose estimate of its size changed (the period grew from 40 to 50 s) keeps reading at
   * about its rate: the new period puts each node's phase at an unrelated moment, and moving there
   * from a quarter period on made the fleet read every 0.72 of a period on average, in waves (found
   * by the simulation, seed 1258).
   */
  @Test
  void aChangedPeriodDoesNotSpeedTheFleetsReadsUp() {
    SplittableRandom random = new SplittableRandom(1258);
    long gaps = 0;
    int nodes = 1000;
    for (int i = 0; i < nodes; i++) {
      long last = T + random.nextLong(40_000);
      gaps += ReadSlots.nextRead(last, PERIOD, random.nextDouble()) - last;
    }
    assertThat((double) gaps / nodes).isGreaterThan(0.85 * PERIOD);
  }

  @Test
  void aNodeThatJoinedAtItsPhaseRegistersOnePeriodLater() {
    long joined = ReadSlots.atOrAfter(T, PERIOD, 0.3);
    assertThat(ReadSlots.registrationAt(joined, PERIOD, 0.3, CAP)).isEqualTo(joined + PERIOD);
  }

  @Test
  void aNodeThatJoinedOffItsPhaseRegistersAtItsPhaseWithinTheCap() {
    long joined = ReadSlots.atOrAfter(T, PERIOD, 0.3) + 20_000; // 20 s after its phase
    long at = ReadSlots.registrationAt(joined, PERIOD, 0.3, CAP);
    assertThat(Math.floorMod(at, PERIOD)).isEqualTo(Math.floorMod((long) (0.3 * PERIOD), PERIOD));
    assertThat(at - joined).isBetween(CAP - PERIOD, CAP);
  }

  @Test
  void neverLaterThanTheCapWhenThePeriodIsLongerThanIt() {
    long period = 200_000; // 4,000 nodes
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) {
      long joined = T + random.nextLong(period);
      long at = ReadSlots.registrationAt(joined, period, random.nextDouble(), CAP);
      assertThat(at - joined).isBetween(0L, CAP);
    }
  }

  /**
   * The case the simulation found (seed 192 at 1,000 nodes): a third of the fleet joined within 10
   * s, and a fixed delay after the join brought their registrations within 10 s too, 33 a second.
   * At each node's phase they spread over the period instead.
   */
  @Test
  void joinsThatCameInABurstRegisterSpreadOverThePeriod() {
    SplittableRandom random = new SplittableRandom(192);
    int[] perFiveSeconds = new int[100];
    int nodes = 333;
    for (int i = 0; i < nodes; i++) {
      long joined = T + 110_000 + random.nextLong(10_000);
      long at = ReadSlots.registrationAt(joined, PERIOD, random.nextDouble(), CAP);
      assertThat(at - joined).isBetween(CAP - PERIOD, CAP);
      perFiveSeconds[(int) ((at - T) / 5_000)]++;
    }
    int busiest = java.util.Arrays.stream(perFiveSeconds).max().orElseThrow();
    // Evenly over the 50 s period: 333 / 10 = 33 per 5 s; a fixed delay put all 333 in two.
    assertThat(busiest).isLessThan(60);
  }
}
