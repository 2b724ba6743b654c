package io.muster.plugin;

import io.muster.config.KeyCatalog;

/**
 * Something muster finds by short name through {@link java.util.ServiceLoader}: a discovery
 * provider, a credential store, an adapter. A plugin is also the catalog of its own keys, so
 * registering it once (in {@code META-INF/services/<its SPI>}) is enough for its keys to be known,
 * validated and documented.
 */
public interface Plugin extends KeyCatalog {
  /** The short name an operator writes in the selecting key, e.g. {@code asg}, {@code ssm}. */
  String name();

  /**
   * Adds the checks of what this plugin, once selected, needs on this machine before {@code join}
   * or {@code agent} acts: directories it writes, commands it runs, settings only these commands
   * need. Looks, never changes. None by default.
   */
  default void preflight(Preflight check) {}
}
