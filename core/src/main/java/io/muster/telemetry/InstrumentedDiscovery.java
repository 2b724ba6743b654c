package io.muster.telemetry;

import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * A {@link Discovery} that reports every pass (listing or authoritative) to a {@link Telemetry}.
 */
public final class InstrumentedDiscovery implements Discovery {
  private final Discovery inner;
  private final String provider;
  private final Telemetry telemetry;
  private final Clock clock;

  /**
   * @param provider the provider's short name, used as a label
   * @param clock measures latency; give it a clock that does not step (the agent's monotonic one)
   */
  public InstrumentedDiscovery(Discovery inner, String provider, Telemetry telemetry, Clock clock) {
    this.inner = inner;
    this.provider = provider;
    this.telemetry = telemetry;
    this.clock = clock;
  }

  @Override
  public List<Peer> discover() throws DiscoveryException {
    return measured(true);
  }

  @Override
  public List<Peer> list() throws DiscoveryException {
    return measured(false);
  }

  private List<Peer> measured(boolean authoritative) throws DiscoveryException {
    Instant start = clock.instant();
    try {
      List<Peer> peers = authoritative ? inner.discover() : inner.list();
      telemetry.discovery(provider, Outcome.OK, since(start), peers, null);
      return peers;
    } catch (DiscoveryException | RuntimeException e) {
      telemetry.discovery(provider, Outcome.ERROR, since(start), List.of(), e.getMessage());
      throw e;
    }
  }

  /** Not a pass: the pacing hint, passed through unmeasured. */
  @Override
  public OptionalInt expectedSize() throws DiscoveryException {
    return inner.expectedSize();
  }

  private Duration since(Instant start) {
    return Duration.between(start, clock.instant());
  }

  @Override
  public String describe() {
    return inner.describe();
  }
}
