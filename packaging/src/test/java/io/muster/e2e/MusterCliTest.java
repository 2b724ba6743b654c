package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.aws.AwsKeys;
import java.net.InetAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Muster children of end-to-end tests can never reach the real instance metadata service. */
class MusterCliTest {
  @Test
  void childrenLookForInstanceMetadataOnLoopbackOnlyAndTheSdkNotAtAll() throws Exception {
    Map<String, String> environment = new HashMap<>();
    environment.put("PATH", "/usr/bin");
    environment.put("MUSTER_NODE_IMDS_ENDPOINT", "http://169.254.169.254");
    environment.put("MUSTER_STORE_PROVIDER", "ssm");

    MusterCli.configureEnvironment(environment, Map.of("MUSTER_STORE_PROVIDER", "file"));

    String imds = environment.get(AwsKeys.IMDS_ENDPOINT.env());
    assertThat(InetAddress.getByName(URI.create(imds).getHost()).isLoopbackAddress())
        .as(imds)
        .isTrue();
    assertThat(environment).containsEntry("AWS_EC2_METADATA_DISABLED", "true");
    assertThat(environment).containsEntry("MUSTER_STORE_PROVIDER", "file");
    assertThat(environment).containsEntry("PATH", "/usr/bin");
  }

  @Test
  void aTestThatNeedsInstanceMetadataCanStillPointAChildAtItsOwnFake() {
    Map<String, String> environment = new HashMap<>();
    MusterCli.configureEnvironment(
        environment, Map.of(AwsKeys.IMDS_ENDPOINT.env(), "http://127.0.0.1:41234"));
    assertThat(environment).containsEntry(AwsKeys.IMDS_ENDPOINT.env(), "http://127.0.0.1:41234");
  }
}
