package io.muster.plugin;

import io.muster.config.Settings;
import io.muster.model.NodeIdentity;

/** Plugin contexts for tests. */
public final class TestContexts {
  private TestContexts() {}

  /** Production seams, and a node identity that fails the test if anything asks for it. */
  public static PluginContext withoutIdentity(Settings settings) {
    return PluginContext.of(
        settings,
        () -> {
          throw new AssertionError("the node identity is not needed here");
        });
  }

  /** Production seams and the given node. */
  public static PluginContext of(Settings settings, NodeIdentity self) {
    return PluginContext.of(settings, () -> self);
  }
}
