package io.muster.credentials;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds credential stores by short name. */
public final class CredentialStoreProviders {
  private final Map<String, CredentialStoreProvider> byName = new TreeMap<>();

  public CredentialStoreProviders(Iterable<CredentialStoreProvider> providers) {
    providers.forEach(p -> byName.put(p.name(), p));
  }

  public static CredentialStoreProviders discover() {
    return new CredentialStoreProviders(ServiceLoader.load(CredentialStoreProvider.class));
  }

  public Map<String, CredentialStoreProvider> all() {
    return byName;
  }

  /** The store named by {@code store.provider}; unknown names list the known ones. */
  public CredentialStoreProvider selected(Settings settings) {
    String name = settings.string(CoreKeys.STORE_PROVIDER, "name a credential store");
    CredentialStoreProvider p = byName.get(name);
    if (p == null) {
      throw ConfigException.invalid(
          CoreKeys.STORE_PROVIDER,
          name,
          settings.source(CoreKeys.STORE_PROVIDER),
          "unknown credential store",
          "Use one of: " + String.join(", ", byName.keySet()));
    }
    return p;
  }
}
