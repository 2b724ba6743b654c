package io.muster.sim;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * The live progress of a simulation on stderr, on a terminal only: one line rewritten in place
 * ({@code \r}) at most twice a second. A log or CI output gets nothing: the report says it all, and
 * a progress line in a log is noise (carriage returns or not).
 */
public final class ProgressLine implements Progress {
  private final PrintWriter err;
  private final boolean terminal;
  private final LongSupplier nanos;
  private long last = Long.MIN_VALUE;

  public ProgressLine(PrintWriter err, boolean terminal, LongSupplier nanos) {
    this.err = err;
    this.terminal = terminal;
    this.nanos = nanos;
  }

  /** For stderr of this process: a terminal when the JVM has a console. */
  public static ProgressLine forStderr(PrintWriter err) {
    return new ProgressLine(err, System.console() != null, System::nanoTime);
  }

  @Override
  public void update(int done, int total, int failing) {
    if (!terminal) {
      return;
    }
    long now = nanos.getAsLong();
    long every = 500_000_000L;
    boolean first = last == Long.MIN_VALUE;
    if (done != total && !first && now - last < every) {
      return;
    }
    last = now;
    String text = "simulating: " + done + "/" + total + " runs, " + failing + " failing";
    err.print("\r" + text + "   ");
    if (done == total) {
      err.println();
    }
    err.flush();
  }
}
