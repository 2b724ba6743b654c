package io.muster.plugin;

import io.muster.config.ConfigException;
import io.muster.config.Settings;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The plugins of one kind, by short name. Two plugins with one name are an error (the class path
 * holds two builds of one plugin, or two plugins chose the same name): silently keeping either
 * would run code the operator did not choose.
 */
public final class PluginRegistry<P extends Plugin> {
  private final PluginKind<P> kind;
  private final Map<String, P> byName;

  public PluginRegistry(PluginKind<P> kind, Iterable<? extends P> plugins) {
    this.kind = kind;
    Map<String, P> map = new TreeMap<>();
    for (P p : plugins) {
      P previous = map.putIfAbsent(p.name(), p);
      if (previous != null) {
        throw new IllegalStateException(
            "two "
                + kind.noun()
                + "s are named '"
                + p.name()
                + "': "
                + previous.getClass().getName()
                + " and "
                + p.getClass().getName());
      }
    }
    this.byName = Collections.unmodifiableMap(map);
  }

  /** Every plugin of {@code kind} that {@link ServiceLoader} finds on the class path. */
  public static <P extends Plugin> PluginRegistry<P> load(PluginKind<P> kind) {
    return new PluginRegistry<>(kind, ServiceLoader.load(kind.type()));
  }

  public PluginKind<P> kind() {
    return kind;
  }

  /** The names, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public Map<String, P> all() {
    return byName;
  }

  public Optional<P> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The plugin the selecting key names; an unknown name is an error listing the known ones. */
  public P selected(Settings settings) {
    String name = settings.string(kind.selector(), "name a " + kind.noun());
    P p = byName.get(name);
    if (p == null) {
      throw ConfigException.invalid(
          kind.selector(),
          name,
          settings.source(kind.selector()),
          "unknown " + kind.noun(),
          "Use one of: " + String.join(", ", byName.keySet()));
    }
    return p;
  }
}
