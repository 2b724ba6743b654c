package io.muster.adapter;

import io.muster.plugin.Plugin;
import io.muster.plugin.PluginContext;

/**
 * An adapter registered by short name through {@link java.util.ServiceLoader} (in
 * META-INF/services/io.muster.adapter.AdapterProvider); also the catalog of its keys.
 */
public interface AdapterProvider extends Plugin {
  String name();

  /**
   * Whether the adapter joins this node to a cluster ({@link ClusterAdapter}), as opposed to only
   * following the membership (HAProxy on a load balancer): `muster join` needs one that does.
   */
  default boolean joinsClusters() {
    return true;
  }

  Adapter create(PluginContext context);
}
