package io.muster.bootstrap;

import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.election.ElectionSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * @param cluster the cluster name
 * @param election seed election settings
 * @param interval discovery interval while waiting
 * @param backoffCap longest wait after repeated failures
 * @param timeout overall limit of one {@code muster join}
 * @param fleetRate describe calls per second the fleet may spend reacting to one event
 * @param storeRate credential store requests per second the fleet may spend while it forms
 */
public record BootstrapSettings(
    String cluster,
    ElectionSettings election,
    Duration interval,
    Duration backoffCap,
    Duration timeout,
    int fleetRate,
    int storeRate) {
  /** With store.fleet-rate at its declared default. */
  public BootstrapSettings(
      String cluster,
      ElectionSettings election,
      Duration interval,
      Duration backoffCap,
      Duration timeout,
      int fleetRate) {
    this(
        cluster,
        election,
        interval,
        backoffCap,
        timeout,
        fleetRate,
        CoreKeys.STORE_FLEET_RATE.defaultInt());
  }

  /** With discovery.fleet-rate and store.fleet-rate at their declared defaults. */
  public BootstrapSettings(
      String cluster,
      ElectionSettings election,
      Duration interval,
      Duration backoffCap,
      Duration timeout) {
    this(
        cluster,
        election,
        interval,
        backoffCap,
        timeout,
        CoreKeys.DISCOVERY_FLEET_RATE.defaultInt());
  }

  public BootstrapSettings {
    if (fleetRate < 1) {
      throw new IllegalArgumentException("discovery.fleet-rate must be at least 1: " + fleetRate);
    }
    if (storeRate < 1) {
      throw new IllegalArgumentException("store.fleet-rate must be at least 1: " + storeRate);
    }
    Objects.requireNonNull(cluster, "cluster");
    if (!cluster.matches(CoreKeys.CLUSTER_NAME_PATTERN)) {
      throw new IllegalArgumentException(
          "cluster.name '"
              + cluster
              + "' must be 1-63 letters, digits, '.', '_' or '-' (it names store paths)");
    }
  }

  public static BootstrapSettings from(Settings s) {
    // The name's pattern is declared with the key and checked by the getter.
    String cluster =
        s.string(CoreKeys.CLUSTER_NAME, "every node of one cluster needs the same name");
    Duration interval = s.duration(CoreKeys.DISCOVERY_INTERVAL);
    return new BootstrapSettings(
        cluster,
        ElectionSettings.from(s),
        interval,
        Duration.ofSeconds(60).compareTo(interval) > 0 ? Duration.ofSeconds(60) : interval,
        s.duration(CoreKeys.JOIN_TIMEOUT),
        s.integer(CoreKeys.DISCOVERY_FLEET_RATE),
        s.integer(CoreKeys.STORE_FLEET_RATE));
  }
}
