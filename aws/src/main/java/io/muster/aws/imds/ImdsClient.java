package io.muster.aws.imds;

import io.muster.aws.AwsKeys;
import io.muster.config.Settings;
import io.muster.node.InstanceMetadata;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * IMDSv2 only: a session token from {@code PUT /latest/api/token}, then GETs carrying it. The token
 * is cached until shortly before its TTL ends. IMDSv1 (tokenless GET) is never used.
 */
public final class ImdsClient implements InstanceMetadata {
  static final String TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
  static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
  private static final int TTL_SECONDS = 21600;

  private final URI base;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient http;
  private String token;
  private Instant tokenExpires = Instant.MIN;

  public ImdsClient(String endpoint, Duration timeout, Clock clock) {
    this.base = URI.create(endpoint.endsWith("/") ? endpoint : endpoint + "/");
    this.timeout = timeout;
    this.clock = clock;
    // HTTP/1.1 only: the JDK default (HTTP/2) adds "Upgrade: h2c" to plain-http requests, which
    // the metadata service has no use for; the AWS SDK's own IMDS client speaks plain HTTP/1.1 too.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  /** The client {@code node.imds-endpoint} and {@code node.imds-timeout} describe. */
  public static ImdsClient fromSettings(Settings settings, Clock clock) {
    return new ImdsClient(
        settings.string(AwsKeys.IMDS_ENDPOINT, "give the instance metadata endpoint URL"),
        settings.duration(AwsKeys.IMDS_TIMEOUT),
        clock);
  }

  @Override
  public String endpoint() {
    return base.toString();
  }

  @Override
  public synchronized Optional<String> get(String path) throws IOException {
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve("latest/meta-data/" + path))
            .timeout(timeout)
            .header(TOKEN_HEADER, token())
            .GET()
            .build();
    HttpResponse<String> resp = send(req);
    if (resp.statusCode() == 404) {
      return Optional.empty();
    }
    if (resp.statusCode() == 401) {
      // Token expired or revoked early: fetch a new one once.
      tokenExpires = Instant.MIN;
      resp =
          send(
              HttpRequest.newBuilder(req.uri())
                  .timeout(timeout)
                  .header(TOKEN_HEADER, token())
                  .GET()
                  .build());
    }
    if (resp.statusCode() != 200) {
      throw new IOException(
          "instance metadata " + path + " answered HTTP " + resp.statusCode() + " at " + base);
    }
    return Optional.of(resp.body().trim());
  }

  private String token() throws IOException {
    Instant now = clock.instant();
    if (token != null && now.isBefore(tokenExpires)) {
      return token;
    }
    HttpRequest put =
        HttpRequest.newBuilder(base.resolve("latest/api/token"))
            .timeout(timeout)
            .header(TOKEN_TTL_HEADER, Integer.toString(TTL_SECONDS))
            .PUT(HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> resp = send(put);
    if (resp.statusCode() != 200) {
      throw new IOException(
          "instance metadata refused a session token (HTTP "
              + resp.statusCode()
              + ") at "
              + base
              + "; IMDSv2 must be enabled with a hop limit that reaches this process");
    }
    token = resp.body().trim();
    tokenExpires = now.plusSeconds(TTL_SECONDS - 60);
    return token;
  }

  private HttpResponse<String> send(HttpRequest req) throws IOException {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading instance metadata", e);
    } catch (java.net.http.HttpTimeoutException | java.net.ConnectException e) {
      throw new IOException(
          "instance metadata at " + base + " did not answer within " + timeout.toMillis() + " ms",
          e);
    }
  }
}
