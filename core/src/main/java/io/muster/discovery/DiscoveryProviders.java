package io.muster.discovery;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds discovery providers by short name. */
public final class DiscoveryProviders {
  private final Map<String, DiscoveryProvider> byName = new TreeMap<>();

  public DiscoveryProviders(Iterable<DiscoveryProvider> providers) {
    providers.forEach(p -> byName.put(p.name(), p));
  }

  public static DiscoveryProviders discover() {
    return new DiscoveryProviders(ServiceLoader.load(DiscoveryProvider.class));
  }

  public Map<String, DiscoveryProvider> all() {
    return byName;
  }

  /** The provider named by {@code discovery.provider}; unknown names list the known ones. */
  public DiscoveryProvider selected(Settings settings) {
    String name = settings.string(CoreKeys.DISCOVERY_PROVIDER, "name a discovery provider");
    DiscoveryProvider p = byName.get(name);
    if (p == null) {
      throw ConfigException.invalid(
          CoreKeys.DISCOVERY_PROVIDER,
          name,
          settings.source(CoreKeys.DISCOVERY_PROVIDER),
          "unknown discovery provider",
          "Use one of: " + String.join(", ", byName.keySet()));
    }
    return p;
  }
}
