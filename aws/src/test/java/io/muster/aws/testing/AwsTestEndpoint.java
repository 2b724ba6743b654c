package io.muster.aws.testing;

import io.muster.aws.AwsClients;
import io.muster.config.Settings;
import io.muster.plugin.PluginContext;
import io.muster.testing.DummyAwsCredentials;
import java.net.URI;
import java.time.Duration;

/**
 * AWS clients pointed at a loopback fake, with dummy credentials from the {@code aws.accessKeyId} /
 * {@code aws.secretAccessKey} system properties (the first link of the default chain). Close it to
 * restore the properties.
 */
public final class AwsTestEndpoint implements AutoCloseable {
  private final DummyAwsCredentials credentials;
  private final AwsClients clients;

  public AwsTestEndpoint(URI endpoint) {
    credentials = DummyAwsCredentials.install();
    clients = new AwsClients("us-east-1", endpoint, Duration.ofSeconds(10));
  }

  public AwsClients clients() {
    return clients;
  }

  /** A plugin context whose AWS clients are these; the node identity is not needed. */
  public PluginContext context(Settings settings) {
    return AwsTestContexts.withoutIdentity(settings, clients);
  }

  @Override
  public void close() {
    clients.close();
    credentials.close();
  }
}
