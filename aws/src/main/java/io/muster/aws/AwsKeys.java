package io.muster.aws;

import static io.muster.config.Key.Kind.DURATION;
import static io.muster.config.Key.Kind.STRING;

import io.muster.config.Constraints;
import io.muster.config.Key;
import io.muster.config.KeyCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Keys of the AWS client factory and of the instance metadata service. */
public final class AwsKeys implements KeyCatalog {
  public static final Key IMDS_ENDPOINT =
      Key.of(
              "node.imds-endpoint",
              STRING,
              "http://169.254.169.254",
              "Instance metadata endpoint (IMDSv2 only), also where the AWS SDK fetches instance-profile"
                  + " credentials.")
          .constrained(Constraints.httpUrl());
  public static final Key IMDS_TIMEOUT =
      Key.of(
              "node.imds-timeout",
              DURATION,
              "1s",
              "Per-request timeout for instance metadata; off EC2 identity fails within 2x this.")
          .constrained(Constraints.between(Duration.ofMillis(50), Duration.ofSeconds(30)));

  public static final Key ENDPOINT_URL =
      Key.of(
              "aws.endpoint-url",
              STRING,
              null,
              "Override the endpoint of every AWS API call (an AWS-compatible or local endpoint);"
                  + " a service's own aws.SERVICE.endpoint-url overrides it.")
          .withFlag("--endpoint-url")
          .constrained(Constraints.httpUrl());
  public static final Key CALL_TIMEOUT =
      Key.of("aws.call-timeout", DURATION, "10s", "Timeout of one AWS API call, retries included.")
          .constrained(Constraints.between(Duration.ofSeconds(1), Duration.ofMinutes(5)));

  /** The declaration of {@code aws.<service>.endpoint-url}, one per {@link AwsService}. */
  static Key serviceEndpointUrl(String service, String title) {
    return Key.of(
            "aws." + service + ".endpoint-url",
            STRING,
            null,
            "Endpoint of "
                + title
                + " API calls; overrides aws.endpoint-url for "
                + title
                + " only.")
        .constrained(Constraints.httpUrl());
  }

  @Override
  public String section() {
    return "1 AWS";
  }

  @Override
  public List<Key> keys() {
    List<Key> keys = new ArrayList<>(List.of(IMDS_ENDPOINT, IMDS_TIMEOUT, ENDPOINT_URL));
    for (AwsService service : AwsService.values()) {
      keys.add(service.endpointUrl());
    }
    keys.add(CALL_TIMEOUT);
    return List.copyOf(keys);
  }
}
