package io.muster.agent.runtime;

/**
 * One part of the daemon with a life of its own (the join loop, a membership follower, later the
 * lifecycle watcher and the HTTP endpoint). The {@link AgentRuntime} starts components in the order
 * it was given them and stops them in reverse, so a component may rely on those before it.
 */
public interface Component {
  /** Short name for log lines: "join loop", "membership follower". */
  String name();

  /** Called once, before any component after it starts. A failure aborts the whole start. */
  default void start() throws Exception {}

  /**
   * Called once when the runtime stops, after every periodic step has ended and before the
   * components started earlier are stopped. A failure is logged; the others are stopped anyway.
   */
  default void stop() throws Exception {}
}
