package io.muster.discovery;

import io.muster.plugin.Plugin;
import io.muster.plugin.PluginContext;
import java.util.List;

/**
 * A discovery provider registered by short name through {@link java.util.ServiceLoader}. Each
 * provider is also the {@link io.muster.config.KeyCatalog} of its own keys (list it in both service
 * files).
 */
public interface DiscoveryProvider extends Plugin {
  /** The short name used in {@code discovery.provider}: asg, ec2-tags, static, dns. */
  String name();

  /** IAM actions this provider calls, for {@code muster iam-policy} and the README. */
  List<String> iamActions();

  /** Validates this provider's keys and builds it. Throws ConfigException on bad settings. */
  Discovery create(PluginContext context);
}
