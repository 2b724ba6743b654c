package io.muster.sim;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * The live progress of a simulation on stderr. On a terminal one line is rewritten in place ({@code
 * \r}) at most twice a second; otherwise (a log, CI output) a plain line is printed at most every
 * 10 s, so logs do not fill with carriage returns.
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
    long now = nanos.getAsLong();
    long every = terminal ? 500_000_000L : 10_000_000_000L;
    boolean first = last == Long.MIN_VALUE;
    if (done != total && !first && now - last < every) {
      return;
    }
    last = now;
    String text = "simulating: " + done + "/" + total + " runs, " + failing + " failing";
    if (terminal) {
      err.print("\r" + text + "   ");
      if (done == total) {
        err.println();
      }
    } else {
      err.println(text);
    }
    err.flush();
  }
}
