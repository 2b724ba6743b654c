package io.muster.plugin;

import io.muster.adapter.AdapterProvider;
import io.muster.config.Constraints;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.config.KeyCatalog;
import io.muster.config.KeyRegistry;
import io.muster.credentials.CredentialStoreProvider;
import io.muster.discovery.DiscoveryProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** The three kinds of plugin, and every key of everything on the class path. */
public final class Plugins {
  public static final PluginKind<DiscoveryProvider> DISCOVERY =
      new PluginKind<>(DiscoveryProvider.class, "discovery provider", CoreKeys.DISCOVERY_PROVIDER);
  public static final PluginKind<CredentialStoreProvider> STORES =
      new PluginKind<>(CredentialStoreProvider.class, "credential store", CoreKeys.STORE_PROVIDER);
  public static final PluginKind<AdapterProvider> ADAPTERS =
      new PluginKind<>(AdapterProvider.class, "adapter", CoreKeys.ADAPTER_NAME);

  private static volatile List<PluginRegistry<?>> loaded;

  private Plugins() {}

  public static PluginRegistry<DiscoveryProvider> discovery() {
    return registry(DISCOVERY);
  }

  public static PluginRegistry<CredentialStoreProvider> stores() {
    return registry(STORES);
  }

  public static PluginRegistry<AdapterProvider> adapters() {
    return registry(ADAPTERS);
  }

  /** The registry of {@code kind}, loaded once per process. */
  @SuppressWarnings("unchecked")
  public static <P extends Plugin> PluginRegistry<P> registry(PluginKind<P> kind) {
    for (PluginRegistry<?> r : all()) {
      if (r.kind().equals(kind)) {
        return (PluginRegistry<P>) r;
      }
    }
    throw new IllegalArgumentException("not a plugin kind: " + kind);
  }

  /** The names of the plugins {@code kind} knows, sorted: for key docs, help and messages. */
  public static List<String> names(PluginKind<?> kind) {
    return registry(kind).names();
  }

  private static List<PluginRegistry<?>> all() {
    List<PluginRegistry<?>> r = loaded;
    if (r == null) {
      r =
          List.of(
              PluginRegistry.load(DISCOVERY),
              PluginRegistry.load(STORES),
              PluginRegistry.load(ADAPTERS));
      loaded = r;
    }
    return r;
  }

  /**
   * Every declared key: the {@link KeyCatalog} services (keys that belong to no plugin) and the
   * keys of every plugin; sections sorted by title, so "0 General" comes first.
   */
  public static KeyRegistry keys() {
    List<KeyCatalog> catalogs = new ArrayList<>();
    ServiceLoader.load(KeyCatalog.class).forEach(c -> catalogs.add(withSelectors(c)));
    for (PluginRegistry<?> r : all()) {
      catalogs.addAll(r.all().values());
    }
    catalogs.sort(Comparator.comparing(KeyCatalog::section));
    return new KeyRegistry(catalogs);
  }

  /**
   * The catalog with each selecting key (discovery.provider, store.provider, adapter.name)
   * constrained to the names its registry holds: declared here, not with the key, because config
   * knows nothing of plugins; the names in the reference, --help and messages are this build's.
   */
  private static KeyCatalog withSelectors(KeyCatalog c) {
    List<Key> keys = new ArrayList<>();
    for (Key k : c.keys()) {
      Key constrained = k;
      for (PluginRegistry<?> r : all()) {
        if (r.kind().selector().equals(k)) {
          constrained = k.constrained(Constraints.oneOf(r::names, "unknown " + r.kind().noun()));
        }
      }
      keys.add(constrained);
    }
    List<Key> result = List.copyOf(keys);
    return new KeyCatalog() {
      @Override
      public String section() {
        return c.section();
      }

      @Override
      public List<Key> keys() {
        return result;
      }
    };
  }
}
