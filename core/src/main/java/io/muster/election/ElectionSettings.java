package io.muster.election;

import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * @param stableFor how long a view must be unchanged before its seed may form
 * @param minPeers smallest view (self included) in which a seed may form
 * @param replaceAfter how long a formed generation must have had nothing alive in this node's view
 *     before a new generation may replace it (whole-fleet loss)
 */
public record ElectionSettings(Duration stableFor, int minPeers, Duration replaceAfter) {
  public ElectionSettings {
    Objects.requireNonNull(stableFor, "stableFor");
    if (stableFor.isNegative()) {
      throw new IllegalArgumentException("election.stable-for must not be negative: " + stableFor);
    }
    Objects.requireNonNull(replaceAfter, "replaceAfter");
    if (minPeers < 1) {
      throw new IllegalArgumentException("election.min-peers must be at least 1: " + minPeers);
    }
  }

  /** With election.replace-after at its declared default. */
  public ElectionSettings(Duration stableFor, int minPeers) {
    this(stableFor, minPeers, CoreKeys.ELECTION_REPLACE_AFTER.defaultDuration());
  }

  public static ElectionSettings from(Settings s) {
    return new ElectionSettings(
        s.duration(CoreKeys.ELECTION_STABLE_FOR),
        s.integer(CoreKeys.ELECTION_MIN_PEERS),
        s.duration(CoreKeys.ELECTION_REPLACE_AFTER));
  }
}
