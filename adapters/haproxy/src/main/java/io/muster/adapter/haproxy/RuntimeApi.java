package io.muster.adapter.haproxy;

import java.io.IOException;

/**
 * One HAProxy CLI endpoint (the stats socket, or the master CLI): sends one command line in
 * non-interactive mode and returns the whole reply. The seam unit tests replace with a fake.
 */
@FunctionalInterface
public interface RuntimeApi {
  String execute(String command) throws IOException;

  /** Where it talks to, for messages. */
  default String describe() {
    return "HAProxy CLI";
  }
}
