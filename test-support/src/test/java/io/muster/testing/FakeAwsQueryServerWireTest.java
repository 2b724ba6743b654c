package io.muster.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake refuses what real EC2 / Auto Scaling refuse, so a client that passes is right. */
class FakeAwsQueryServerWireTest {
  private static final String SIGNED =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=00";

  private FakeAwsQueryServer server;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    server = FakeAwsQueryServer.start();
    FakeEc2 ec2 = new FakeEc2(server).pageSize(1);
    ec2.add(
        FakeEc2.Instance.running("i-00000000000000001", "10.0.0.1")
            .withTags(Map.of("cluster", "web")));
    ec2.add(
        FakeEc2.Instance.running("i-00000000000000002", "10.0.0.2")
            .withTags(Map.of("cluster", "web")));
    new FakeAutoScaling(server).group("web", List.of());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String form, String auth) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.endpoint())
            .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void unsignedRequestsAreRefused() throws Exception {
    HttpResponse<String> r = post("Action=DescribeInstances&Version=2016-11-15", null);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("<Code>MissingAuthenticationToken</Code>");
  }

  @Test
  void instanceIdsWithMaxResultsAreRefusedAsByEc2() throws Exception {
    HttpResponse<String> r =
        post(
            "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-00000000000000001&MaxResults=5",
            SIGNED);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("<Code>InvalidParameterCombination</Code>");
  }

  @Test
  void unknownIdsFailTheWholeRequestNamingThem() throws Exception {
    HttpResponse<String> r =
        post(
            "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-00000000000000001&InstanceId.2=i-0000000000000000f",
            SIGNED);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("<Code>InvalidInstanceID.NotFound</Code>")
        .contains("The instance ID &apos;i-0000000000000000f&apos; does not exist");
  }

  @Test
  void aTokenIsOnlyValidWithTheQueryItWasIssuedFor() throws Exception {
    String first =
        post(
                "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3Acluster&Filter.1.Value.1=web",
                SIGNED)
            .body();
    String token = first.replaceAll("(?s).*<nextToken>(.*)</nextToken>.*", "$1");

    HttpResponse<String> same =
        post(
            "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3Acluster&Filter.1.Value.1=web&NextToken="
                + token,
            SIGNED);
    HttpResponse<String> other =
        post(
            "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3Acluster&Filter.1.Value.1=db&NextToken="
                + token,
            SIGNED);

    assertThat(first)
        .contains("<instanceId>i-00000000000000001</instanceId>")
        .contains("<nextToken>");
    assertThat(same.statusCode()).isEqualTo(200);
    assertThat(same.body())
        .contains("<instanceId>i-00000000000000002</instanceId>")
        .doesNotContain("<nextToken>");
    assertThat(other.statusCode()).isEqualTo(400);
  }

  @Test
  void unknownFilterNamesAreRefused() throws Exception {
    HttpResponse<String> r =
        post(
            "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag-value-typo&Filter.1.Value.1=x",
            SIGNED);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("The filter 'tag-value-typo' is invalid".replace("'", "&apos;"));
  }

  @Test
  void autoScalingListsNothingForAnUnknownGroupAndCapsMaxRecords() throws Exception {
    HttpResponse<String> none =
        post(
            "Action=DescribeAutoScalingGroups&Version=2011-01-01&AutoScalingGroupNames.member.1=nope",
            SIGNED);
    HttpResponse<String> tooMany =
        post("Action=DescribeAutoScalingGroups&Version=2011-01-01&MaxRecords=101", SIGNED);

    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.body())
        .contains("<AutoScalingGroups>")
        .doesNotContain("<AutoScalingGroupName>");
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(tooMany.body()).contains("<ErrorResponse").contains("<Code>ValidationError</Code>");
  }
}
