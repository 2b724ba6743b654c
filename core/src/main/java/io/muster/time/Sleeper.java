package io.muster.time;

import java.time.Duration;

/** Waits. Production sleeps; tests and the simulation advance a virtual clock instead. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  Sleeper SYSTEM = d -> Thread.sleep(Math.max(0, d.toMillis()));
}
