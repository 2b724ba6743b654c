package io.muster.election;

import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * @param stableFor how long a view must be unchanged before its seed may form
 * @param minPeers smallest view (self included) in which a seed may form
 */
public record ElectionSettings(Duration stableFor, int minPeers) {
  public ElectionSettings {
    Objects.requireNonNull(stableFor, "stableFor");
    if (stableFor.isNegative()) {
      throw new IllegalArgumentException("election.stable-for must not be negative: " + stableFor);
    }
    if (minPeers < 1) {
      throw new IllegalArgumentException("election.min-peers must be at least 1: " + minPeers);
    }
  }

  public static ElectionSettings from(Settings s) {
    return new ElectionSettings(
        s.duration(CoreKeys.ELECTION_STABLE_FOR, Duration.ZERO, Duration.ofHours(1)),
        s.integer(CoreKeys.ELECTION_MIN_PEERS, 1, 100_000));
  }
}
