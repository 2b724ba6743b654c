package io.muster.testing;

import io.muster.aws.AwsClients;
import java.net.URI;
import java.time.Duration;

/**
 * AWS clients pointed at a loopback fake, with dummy credentials from the {@code aws.accessKeyId} /
 * {@code aws.secretAccessKey} system properties (the first link of the default chain). Close it to
 * restore the properties.
 */
public final class AwsTestEndpoint implements AutoCloseable {
  private static final String KEY = "aws.accessKeyId";
  private static final String SECRET = "aws.secretAccessKey";
  private final String oldKey;
  private final String oldSecret;
  private final AwsClients clients;

  public AwsTestEndpoint(URI endpoint) {
    oldKey = System.getProperty(KEY);
    oldSecret = System.getProperty(SECRET);
    System.setProperty(KEY, "AKIAFAKEFAKEFAKE");
    System.setProperty(SECRET, "fake-secret-key");
    clients = new AwsClients("us-east-1", endpoint, Duration.ofSeconds(10));
  }

  public AwsClients clients() {
    return clients;
  }

  @Override
  public void close() {
    clients.close();
    restore(KEY, oldKey);
    restore(SECRET, oldSecret);
  }

  private static void restore(String k, String v) {
    if (v == null) {
      System.clearProperty(k);
    } else {
      System.setProperty(k, v);
    }
  }
}
