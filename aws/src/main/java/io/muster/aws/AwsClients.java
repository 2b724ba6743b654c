package io.muster.aws;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import io.muster.plugin.PluginContext;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.defaultsmode.DefaultsMode;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The one place AWS SDK clients are built: region, credentials chain, each service's endpoint,
 * timeouts. Clients are built lazily and closed together.
 *
 * <p>Endpoints: a service's own {@code aws.<service>.endpoint-url}, else {@code aws.endpoint-url},
 * else AWS's own endpoint for the region (see {@link AwsService}).
 *
 * <p>Nothing in here lets the SDK look for instance metadata by itself: the region is always given,
 * the defaults mode is fixed (the SDK's "auto" mode would ask instance metadata for the region),
 * and the credentials chain asks {@code node.imds-endpoint} (see {@link CredentialsChain}).
 *
 * <p>SDK retries are off: the bootstrap loop owns retrying, with capped jittered backoff, so a
 * throttled API is never hammered by two layers at once.
 */
public final class AwsClients implements AutoCloseable {
  private final Region region;
  private final Map<AwsService, URI> endpoints;
  private final URI imdsEndpoint;
  private final Duration callTimeout;
  private final Map<AwsService, SdkClient> built = new EnumMap<>(AwsService.class);
  private AwsCredentialsProviderChain credentials;

  /**
   * Every service at one endpoint, instance metadata at {@code node.imds-endpoint}'s default.
   *
   * @param region AWS region id, e.g. eu-west-1
   * @param endpoint endpoint override for every service, or null for the AWS default
   */
  public AwsClients(String region, URI endpoint, Duration callTimeout) {
    this(
        region,
        everyService(endpoint),
        URI.create(AwsKeys.IMDS_ENDPOINT.defaultValue()),
        callTimeout);
  }

  /**
   * @param region AWS region id, e.g. eu-west-1
   * @param endpoints each service's endpoint; a service not in the map uses AWS's own
   * @param imdsEndpoint where the credentials chain looks for instance-profile credentials
   */
  public AwsClients(
      String region, Map<AwsService, URI> endpoints, URI imdsEndpoint, Duration callTimeout) {
    this.region = Region.of(region);
    this.endpoints = Map.copyOf(endpoints);
    this.imdsEndpoint = imdsEndpoint;
    this.callTimeout = callTimeout;
  }

  /** The clients of this process, built on first use from the context's settings. */
  public static AwsClients of(PluginContext context) {
    return context
        .shared()
        .get(AwsClients.class, () -> fromSettings(context.settings(), context.identity()));
  }

  /**
   * Clients for the node's region (node.region, else AWS_REGION, else instance metadata), the
   * configured endpoints and instance metadata endpoint.
   */
  public static AwsClients fromSettings(Settings settings, Supplier<NodeIdentity> identity) {
    Map<AwsService, URI> endpoints = endpoints(settings);
    URI imds =
        url(settings, AwsKeys.IMDS_ENDPOINT)
            .orElseThrow(
                () ->
                    ConfigException.missing(
                        AwsKeys.IMDS_ENDPOINT, "give the instance metadata endpoint URL"));
    Duration timeout = settings.duration(AwsKeys.CALL_TIMEOUT);
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
    return new AwsClients(region, endpoints, imds, timeout);
  }

  /**
   * Each service's endpoint: its own key, else {@code aws.endpoint-url}; services with neither are
   * left out (AWS's own endpoint). Every key that is set is checked, used or not.
   */
  private static Map<AwsService, URI> endpoints(Settings settings) {
    Optional<URI> shared = url(settings, AwsKeys.ENDPOINT_URL);
    Map<AwsService, URI> out = new EnumMap<>(AwsService.class);
    for (AwsService service : AwsService.values()) {
      url(settings, service.endpointUrl()).or(() -> shared).ifPresent(u -> out.put(service, u));
    }
    return out;
  }

  private static Map<AwsService, URI> everyService(URI endpoint) {
    Map<AwsService, URI> out = new EnumMap<>(AwsService.class);
    if (endpoint != null) {
      for (AwsService service : AwsService.values()) {
        out.put(service, endpoint);
      }
    }
    return out;
  }

  /** The key's URL; the getter has checked it against the key's http(s) URL constraint. */
  private static Optional<URI> url(Settings settings, Key key) {
    return settings.optionalString(key).map(URI::create);
  }

  public String region() {
    return region.id();
  }

  /** Where {@code service}'s calls go, or empty for AWS's own endpoint of the region. */
  public Optional<URI> endpoint(AwsService service) {
    return Optional.ofNullable(endpoints.get(service));
  }

  /**
   * "region eu-west-1", and " at URL" when {@code service}'s endpoint is overridden: for messages.
   */
  public String where(AwsService service) {
    return "region " + region.id() + endpoint(service).map(u -> " at " + u).orElse("");
  }

  /** Where the credentials chain looks for instance-profile credentials. */
  public URI imdsEndpoint() {
    return imdsEndpoint;
  }

  public Ec2Client ec2() {
    return client(AwsService.EC2, Ec2Client::builder);
  }

  public AutoScalingClient autoScaling() {
    return client(AwsService.AUTOSCALING, AutoScalingClient::builder);
  }

  public SsmClient ssm() {
    return client(AwsService.SSM, SsmClient::builder);
  }

  public SecretsManagerClient secretsManager() {
    return client(AwsService.SECRETSMANAGER, SecretsManagerClient::builder);
  }

  public SqsClient sqs() {
    return client(AwsService.SQS, SqsClient::builder);
  }

  /** The client of {@code service}, built by {@code builder} on first use. */
  private synchronized <
          C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>>
      C client(AwsService service, Supplier<B> builder) {
    SdkClient client = built.get(service);
    if (client == null) {
      client = configure(builder.get(), service).build();
      built.put(service, client);
    }
    @SuppressWarnings("unchecked") // one service, one builder: always the type asked for
    C typed = (C) client;
    return typed;
  }

  private <C, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> B configure(
      B builder, AwsService service) {
    builder
        .region(region)
        // The SDK's default would follow AWS_DEFAULTS_MODE, whose "auto" asks instance metadata.
        .defaultsMode(DefaultsMode.LEGACY)
        .credentialsProvider(credentials())
        .overrideConfiguration(
            c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(callTimeout))
        .httpClientBuilder(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(callTimeout));
    endpoint(service).ifPresent(builder::endpointOverride);
    return builder;
  }

  /** One chain for every client, so credentials are fetched and cached once per process. */
  private AwsCredentialsProviderChain credentials() {
    if (credentials == null) {
      credentials = CredentialsChain.create(imdsEndpoint);
    }
    return credentials;
  }

  @Override
  public synchronized void close() {
    for (SdkClient c : built.values()) {
      closeQuietly(c);
    }
    built.clear();
    if (credentials != null) {
      closeQuietly(credentials);
      credentials = null;
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // Closing is best effort at exit.
    }
  }
}
