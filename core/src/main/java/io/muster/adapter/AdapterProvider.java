package io.muster.adapter;

import io.muster.plugin.Plugin;
import io.muster.plugin.PluginContext;

/**
 * An adapter registered by short name through {@link java.util.ServiceLoader}; also the catalog of
 * its keys (list it in both service files).
 */
public interface AdapterProvider extends Plugin {
  String name();

  Adapter create(PluginContext context);
}
