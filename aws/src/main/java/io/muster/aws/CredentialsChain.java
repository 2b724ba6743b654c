package io.muster.aws;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;

/**
 * The SDK's default credentials chain, link for link and in its order, except that the
 * instance-profile link asks the instance metadata endpoint muster is configured with ({@code
 * node.imds-endpoint}). {@code DefaultCredentialsProvider} would ask the SDK's own default,
 * 169.254.169.254, whatever muster was told: off EC2 and in tests that address must never be
 * contacted, and on EC2 both are the same.
 */
final class CredentialsChain {
  private CredentialsChain() {}

  /**
   * @param imdsEndpoint e.g. {@code http://169.254.169.254}; the SDK appends {@code /latest/...}
   */
  static AwsCredentialsProviderChain create(URI imdsEndpoint) {
    return AwsCredentialsProviderChain.builder()
        // As the default chain: once a link answered, ask it first next time.
        .reuseLastProviderEnabled(true)
        .credentialsProviders(
            SystemPropertyCredentialsProvider.create(),
            EnvironmentVariableCredentialsProvider.create(),
            WebIdentityTokenFileCredentialsProvider.create(),
            ProfileCredentialsProvider.create(),
            ContainerCredentialsProvider.create(),
            InstanceProfileCredentialsProvider.builder()
                .endpoint(withoutSlash(imdsEndpoint))
                .build())
        .build();
  }

  /** The SDK appends paths that start with '/'; a configured trailing slash would double it. */
  private static String withoutSlash(URI endpoint) {
    String s = endpoint.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
