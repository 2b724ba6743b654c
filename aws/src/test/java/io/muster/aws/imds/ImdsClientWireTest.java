package io.muster.aws.imds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.testing.FakeImds;
import io.muster.testing.ManualClock;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ImdsClient} against a loopback IMDS that enforces IMDSv2 like EC2 does. */
class ImdsClientWireTest {
  private FakeImds imds;
  private final ManualClock clock = new ManualClock();

  @BeforeEach
  void start() throws IOException {
    imds = FakeImds.start().typicalInstance();
  }

  @AfterEach
  void stop() {
    imds.close();
  }

  private ImdsClient client() {
    return new ImdsClient(imds.endpoint(), Duration.ofSeconds(2), clock);
  }

  @Test
  void oneTokenServesManyGetsAndNoGetIsTokenless() throws IOException {
    ImdsClient c = client();

    assertThat(c.get("instance-id")).hasValue("i-0123456789abcdef0");
    assertThat(c.get("local-ipv4")).hasValue("10.0.1.12");
    assertThat(c.get("local-hostname")).hasValue("ip-10-0-1-12.eu-west-1.compute.internal");
    assertThat(c.get("placement/availability-zone")).hasValue("eu-west-1b");
    assertThat(c.get("placement/region")).hasValue("eu-west-1");
    assertThat(c.get("autoscaling/group-name")).hasValue("web-prod");

    assertThat(imds.tokenPuts()).isEqualTo(1);
    assertThat(imds.gets()).isEqualTo(6);
    FakeImds.Call put = imds.calls().get(0);
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.path()).isEqualTo("/latest/api/token");
    assertThat(put.ttl()).isEqualTo("21600");
    assertThat(imds.calls().subList(1, 7)).allSatisfy(g -> assertThat(g.token()).isNotBlank());
  }

  @Test
  void absentItemIsEmptyNotAnError() throws IOException {
    imds.remove("autoscaling/group-name");

    assertThat(client().get("autoscaling/group-name")).isEmpty();
  }

  @Test
  void revokedTokenIsFetchedAgainOnce() throws IOException {
    ImdsClient c = client();
    assertThat(c.get("instance-id")).isPresent();

    imds.revokeTokens();

    assertThat(c.get("local-ipv4")).hasValue("10.0.1.12");
    assertThat(imds.tokenPuts()).isEqualTo(2);
    // GET (ok), GET (401), PUT, GET (ok)
    assertThat(imds.calls())
        .extracting(FakeImds.Call::method)
        .containsExactly("PUT", "GET", "GET", "PUT", "GET");
  }

  @Test
  void tokenRejectedEvenAfterRefetchFailsWithoutLooping() throws IOException {
    ImdsClient c = client();
    assertThat(c.get("instance-id")).isPresent();
    imds.rejectAllTokens();

    assertThatThrownBy(() -> c.get("local-ipv4"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("local-ipv4 answered HTTP 401");
    assertThat(imds.tokenPuts()).isEqualTo(2);
  }

  @Test
  void tokenIsRenewedShortlyBeforeItsTtlEnds() throws IOException {
    ImdsClient c = client();
    c.get("instance-id");

    clock.advance(Duration.ofSeconds(21600 - 61));
    c.get("instance-id");
    assertThat(imds.tokenPuts()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    c.get("instance-id");
    assertThat(imds.tokenPuts()).isEqualTo(2);
  }

  @Test
  void refusedTokenSaysImdsV2MustBeReachable() {
    imds.tokenStatus(403);

    assertThatThrownBy(() -> client().get("instance-id"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("refused a session token (HTTP 403)")
        .hasMessageContaining("IMDSv2 must be enabled with a hop limit");
  }

  @Test
  void requestsAreHttp11WithoutAnUpgradeAttempt() throws IOException {
    client().get("instance-id");

    assertThat(imds.calls()).allSatisfy(c -> assertThat(c.upgrade()).isNull());
  }
}
