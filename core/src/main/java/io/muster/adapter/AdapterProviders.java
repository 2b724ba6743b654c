package io.muster.adapter;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds adapters by short name. */
public final class AdapterProviders {
  private final Map<String, AdapterProvider> byName = new TreeMap<>();

  public AdapterProviders(Iterable<AdapterProvider> providers) {
    providers.forEach(p -> byName.put(p.name(), p));
  }

  public static AdapterProviders discover() {
    return new AdapterProviders(ServiceLoader.load(AdapterProvider.class));
  }

  public Map<String, AdapterProvider> all() {
    return byName;
  }

  public AdapterProvider selected(Settings settings) {
    String name = settings.string(CoreKeys.ADAPTER_NAME, "name an adapter");
    AdapterProvider p = byName.get(name);
    if (p == null) {
      throw ConfigException.invalid(
          CoreKeys.ADAPTER_NAME,
          name,
          settings.source(CoreKeys.ADAPTER_NAME),
          "unknown adapter",
          "Use one of: " + String.join(", ", byName.keySet()));
    }
    return p;
  }
}
