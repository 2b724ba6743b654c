package io.muster.config;

import java.util.List;

/**
 * A module's configuration keys, found through {@link java.util.ServiceLoader}. Every key a module
 * reads must be listed by exactly one catalog, so that unknown keys can be rejected and the
 * reference documentation generated.
 */
public interface KeyCatalog {
  /** A short title for the documentation section, e.g. "Discovery: asg". */
  String section();

  List<Key> keys();
}
