package io.muster.adapter.swarm;

import java.util.Locale;

/** What a failed {@code POST /swarm/join} means for the next step. Pure, from the engine's text. */
enum JoinFailure {
  /** The swarm refused the token (wrong secret, a token of another swarm, or not a token). */
  TOKEN_REJECTED,
  /** The target is not a reachable manager (refused, unreachable): try the next one. */
  TARGET_UNREACHABLE,
  /** The engine gave up waiting but keeps trying in the background: cancel, try the next one. */
  TIMED_OUT,
  /** This engine is already in a swarm (or a join is pending). */
  ALREADY_IN_SWARM,
  /** Anything else. */
  OTHER;

  static JoinFailure of(EngineException e) {
    if (e.failure() == EngineException.Failure.UNREACHABLE) {
      return OTHER; // our own engine is unreachable, not the target
    }
    if (e.failure() == EngineException.Failure.NO_ANSWER) {
      return TIMED_OUT;
    }
    String m = e.engineMessage().toLowerCase(Locale.ROOT);
    // Seen from Docker 20.10: 400 "A valid join token is necessary to join this cluster" (wrong
    // secret), 500 "remote CA does not match fingerprint" (token of another swarm), 500 "invalid
    // join token" (malformed).
    if (m.contains("join token") || m.contains("does not match fingerprint")) {
      return TOKEN_REJECTED;
    }
    if (m.contains("already part of a swarm")) {
      return ALREADY_IN_SWARM;
    }
    if (m.contains("timeout was reached before node joined")) {
      return TIMED_OUT;
    }
    if (m.contains("connection refused")
        || m.contains("connection error")
        || m.contains("no route to host")
        || m.contains("i/o timeout")
        || m.contains("deadline exceeded")
        || m.contains("code = unavailable")) {
      return TARGET_UNREACHABLE;
    }
    return OTHER;
  }
}
