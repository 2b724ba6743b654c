package io.muster.agent.runtime;

import java.time.Duration;

/**
 * A component that does its work in steps. The runtime runs every periodic component's steps on one
 * thread, each when it is due, so steps never overlap and need no locking between components.
 */
public interface PeriodicComponent extends Component {
  /**
   * Runs one step and says how long to wait before the next. Operational failures are best handled
   * here (they have their own pacing and log lines); anything thrown is logged by the runtime and
   * the step is retried after a capped backoff.
   */
  Duration step() throws Exception;
}
