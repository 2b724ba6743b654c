package io.muster.aws;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import io.muster.plugin.PluginContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The one place AWS SDK clients are built: region, the default credentials chain, the optional
 * endpoint override, timeouts. SDK retries are off: the bootstrap loop owns retrying, with capped
 * jittered backoff, so a throttled API is never hammered by two layers at once. Clients are built
 * lazily and closed together.
 */
public final class AwsClients implements AutoCloseable {
  private final Region region;
  private final URI endpoint;
  private final Duration callTimeout;
  private final List<AutoCloseable> built = new ArrayList<>();
  private Ec2Client ec2;
  private AutoScalingClient autoScaling;
  private SsmClient ssm;
  private SecretsManagerClient secretsManager;

  /**
   * @param region AWS region id, e.g. eu-west-1
   * @param endpoint endpoint override for every service, or null for the AWS default
   */
  public AwsClients(String region, URI endpoint, Duration callTimeout) {
    this.region = Region.of(region);
    this.endpoint = endpoint;
    this.callTimeout = callTimeout;
  }

  /** The clients of this process, built on first use from the context's settings. */
  public static AwsClients of(PluginContext context) {
    return context
        .shared()
        .get(AwsClients.class, () -> fromSettings(context.settings(), context.identity()));
  }

  /**
   * Clients for the node's region (node.region, else AWS_REGION, else instance metadata) and the
   * configured endpoint.
   */
  public static AwsClients fromSettings(Settings settings, Supplier<NodeIdentity> identity) {
    String region = settings.optionalString(CoreKeys.NODE_REGION).orElse(null);
    if (region == null) {
      region = System.getenv("AWS_REGION");
    }
    if (region == null) {
      region = identity.get().region();
    }
    if (region == null) {
      throw ConfigException.missing(CoreKeys.NODE_REGION, "AWS calls need a region");
    }
    URI endpoint =
        settings.optionalString(AwsKeys.ENDPOINT_URL).map(AwsClients::endpoint).orElse(null);
    return new AwsClients(region, endpoint, settings.duration(AwsKeys.CALL_TIMEOUT));
  }

  private static URI endpoint(String text) {
    try {
      URI u = URI.create(text);
      if (u.getScheme() == null || u.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(
          AwsKeys.ENDPOINT_URL,
          text,
          "configuration",
          "not a URL",
          "Write it like http://127.0.0.1:4566");
    }
  }

  public String region() {
    return region.id();
  }

  public URI endpoint() {
    return endpoint;
  }

  public synchronized Ec2Client ec2() {
    if (ec2 == null) {
      ec2 = track(configure(Ec2Client.builder()).build());
    }
    return ec2;
  }

  public synchronized AutoScalingClient autoScaling() {
    if (autoScaling == null) {
      autoScaling = track(configure(AutoScalingClient.builder()).build());
    }
    return autoScaling;
  }

  public synchronized SsmClient ssm() {
    if (ssm == null) {
      ssm = track(configure(SsmClient.builder()).build());
    }
    return ssm;
  }

  public synchronized SecretsManagerClient secretsManager() {
    if (secretsManager == null) {
      secretsManager = track(configure(SecretsManagerClient.builder()).build());
    }
    return secretsManager;
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
    builder
        .region(region)
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .overrideConfiguration(
            c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(callTimeout));
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (builder
        instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
      sync.httpClientBuilder(
          UrlConnectionHttpClient.builder()
              .connectionTimeout(Duration.ofSeconds(3))
              .socketTimeout(callTimeout));
    }
    return builder;
  }

  private <T extends AutoCloseable> T track(T client) {
    built.add(client);
    return client;
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable c : built) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Closing is best effort at exit.
      }
    }
    built.clear();
  }
}
