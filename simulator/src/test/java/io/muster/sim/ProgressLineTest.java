package io.muster.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  final StringWriter text = new StringWriter();
  final AtomicLong nanos = new AtomicLong();

  ProgressLine line(boolean terminal) {
    return new ProgressLine(new PrintWriter(text), terminal, nanos::get);
  }

  @Test
  void inALogNothingIsPrinted() {
    ProgressLine p = line(false);
    p.update(1, 100, 0);
    nanos.set(10_000_000_000L);
    p.update(3, 100, 1);
    p.update(100, 100, 1);
    assertThat(text.toString()).isEmpty();
  }

  @Test
  void onATerminalOneLineIsRewrittenInPlaceAndEndedAtTheLastRun() {
    ProgressLine p = line(true);
    p.update(1, 3, 0);
    nanos.set(100_000_000L);
    p.update(2, 3, 0); // within half a second: skipped
    nanos.set(600_000_000L);
    p.update(3, 3, 0);
    assertThat(text.toString())
        .isEqualTo(
            "\rsimulating: 1/3 runs, 0 failing   "
                + String.format("\rsimulating: 3/3 runs, 0 failing   %n"));
  }
}
