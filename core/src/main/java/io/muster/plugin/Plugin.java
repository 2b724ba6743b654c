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
}
