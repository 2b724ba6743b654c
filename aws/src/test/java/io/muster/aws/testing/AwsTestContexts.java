package io.muster.aws.testing;

import io.muster.aws.AwsClients;
import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import io.muster.plugin.PluginContext;
import io.muster.plugin.TestContexts;
import java.util.function.Supplier;

/** Plugin contexts whose AWS clients are given (bound to a loopback fake). */
public final class AwsTestContexts {
  private AwsTestContexts() {}

  public static PluginContext with(
      Settings settings, Supplier<NodeIdentity> identity, AwsClients clients) {
    PluginContext c = PluginContext.of(settings, identity);
    c.shared().with(AwsClients.class, clients);
    return c;
  }

  public static PluginContext withoutIdentity(Settings settings, AwsClients clients) {
    PluginContext c = TestContexts.withoutIdentity(settings);
    c.shared().with(AwsClients.class, clients);
    return c;
  }
}
