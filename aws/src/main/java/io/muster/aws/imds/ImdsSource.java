package io.muster.aws.imds;

import io.muster.config.Settings;
import io.muster.node.InstanceMetadata;
import java.time.Clock;

/**
 * The EC2 instance metadata service as the {@link InstanceMetadata.Source} service: what the agent
 * opens to resolve this node's identity, without naming this module's classes.
 */
public final class ImdsSource implements InstanceMetadata.Source {
  @Override
  public InstanceMetadata open(Settings settings, Clock clock) {
    return ImdsClient.fromSettings(settings, clock);
  }
}
