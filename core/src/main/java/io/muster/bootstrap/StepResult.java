package io.muster.bootstrap;

import java.time.Duration;

/** The outcome of one bootstrap step. */
public sealed interface StepResult {
  String message();

  /** This node is a verified member. */
  record Done(String message, boolean changed) implements StepResult {}

  /** Not yet; step again after {@code after}. */
  record Retry(Duration after, String message) implements StepResult {}

  /** Cannot succeed by waiting; the message says what to do. */
  record Failed(String message) implements StepResult {}
}
