package io.muster.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake IMDS enforces IMDSv2 as EC2 does, so tests against it mean something. */
class FakeImdsWireTest {
  private FakeImds imds;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    imds = FakeImds.start().typicalInstance();
  }

  @AfterEach
  void stop() {
    imds.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(URI.create(imds.endpoint() + path));
  }

  private String token() throws Exception {
    return send(at("/latest/api/token")
            .header(FakeImds.TTL_HEADER, "60")
            .PUT(HttpRequest.BodyPublishers.noBody()))
        .body();
  }

  @Test
  void tokenPutNeedsAValidTtlHeaderAndNoForwardedFor() throws Exception {
    assertThat(send(at("/latest/api/token").PUT(HttpRequest.BodyPublishers.noBody())).statusCode())
        .isEqualTo(400);
    assertThat(
            send(at("/latest/api/token")
                    .header(FakeImds.TTL_HEADER, "0")
                    .PUT(HttpRequest.BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(400);
    assertThat(
            send(at("/latest/api/token")
                    .header(FakeImds.TTL_HEADER, "21601")
                    .PUT(HttpRequest.BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(400);
    assertThat(
            send(at("/latest/api/token")
                    .header(FakeImds.TTL_HEADER, "60")
                    .header("X-Forwarded-For", "10.0.0.9")
                    .PUT(HttpRequest.BodyPublishers.noBody()))
                .statusCode())
        .isEqualTo(403);
    HttpResponse<String> ok =
        send(
            at("/latest/api/token")
                .header(FakeImds.TTL_HEADER, "60")
                .PUT(HttpRequest.BodyPublishers.noBody()));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isNotBlank();
    assertThat(ok.headers().firstValue(FakeImds.TTL_HEADER)).hasValue("60");
  }

  @Test
  void getsWithoutOrWithAWrongTokenAre401() throws Exception {
    assertThat(send(at("/latest/meta-data/instance-id").GET()).statusCode()).isEqualTo(401);
    assertThat(
            send(at("/latest/meta-data/instance-id").header(FakeImds.TOKEN_HEADER, "forged").GET())
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void itemsAre200AndAbsentItems404() throws Exception {
    String t = token();

    HttpResponse<String> id =
        send(at("/latest/meta-data/instance-id").header(FakeImds.TOKEN_HEADER, t).GET());
    imds.remove("autoscaling/group-name");
    HttpResponse<String> asg =
        send(at("/latest/meta-data/autoscaling/group-name").header(FakeImds.TOKEN_HEADER, t).GET());

    assertThat(id.statusCode()).isEqualTo(200);
    assertThat(id.body()).isEqualTo("i-0123456789abcdef0");
    assertThat(asg.statusCode()).isEqualTo(404);
  }

  @Test
  void revokedTokensAre401() throws Exception {
    String t = token();
    imds.revokeTokens();

    assertThat(
            send(at("/latest/meta-data/instance-id").header(FakeImds.TOKEN_HEADER, t).GET())
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void anInstanceProfileServesItsRoleAndCredentialsDocumentWithAToken() throws Exception {
    FakeImds.RoleCredentials creds = FakeImds.RoleCredentials.random("ASIAFAKEIMDSROLE0001");
    imds.instanceProfile("muster-node", creds);
    String t = token();

    HttpResponse<String> roles =
        send(at("/latest/meta-data/iam/security-credentials/").header(FakeImds.TOKEN_HEADER, t));
    HttpResponse<String> doc =
        send(
            at("/latest/meta-data/iam/security-credentials/muster-node")
                .header(FakeImds.TOKEN_HEADER, t));
    HttpResponse<String> tokenless =
        send(at("/latest/meta-data/iam/security-credentials/muster-node"));

    assertThat(roles.body()).isEqualTo("muster-node");
    JsonNode json = new ObjectMapper().readTree(doc.body());
    assertThat(json.get("Code").asText()).isEqualTo("Success");
    assertThat(json.get("AccessKeyId").asText()).isEqualTo("ASIAFAKEIMDSROLE0001");
    assertThat(json.get("SecretAccessKey").asText()).isEqualTo(creds.secretAccessKey());
    assertThat(json.get("Token").asText()).isEqualTo(creds.token());
    assertThat(Instant.parse(json.get("Expiration").asText())).isAfter(Instant.now());
    assertThat(tokenless.statusCode()).as("IMDSv1 is refused").isEqualTo(401);
    assertThat(creds.toString())
        .doesNotContain(creds.secretAccessKey())
        .doesNotContain(creds.token());
  }
}
