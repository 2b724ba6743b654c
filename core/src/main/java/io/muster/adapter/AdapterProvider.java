package io.muster.adapter;

import io.muster.config.KeyCatalog;

/**
 * An adapter registered by short name through {@link java.util.ServiceLoader}; also the catalog of
 * its keys (list it in both service files).
 */
public interface AdapterProvider extends KeyCatalog {
  String name();

  Adapter create(AdapterContext context);
}
