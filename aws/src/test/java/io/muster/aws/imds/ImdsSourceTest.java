package io.muster.aws.imds;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.aws.AwsKeys;
import io.muster.config.Settings;
import io.muster.node.InstanceMetadata;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The agent opens instance metadata through the seam; with this module present, it is EC2's. */
class ImdsSourceTest {
  @Test
  void theInstalledSourceIsTheEc2ClientThatTheSettingsDescribe() {
    InstanceMetadata.Source source = InstanceMetadata.Source.installed();

    assertThat(source).isInstanceOf(ImdsSource.class);
    InstanceMetadata imds =
        source.open(
            Settings.empty().with(AwsKeys.IMDS_ENDPOINT, "http://127.169.254.254:1"),
            Clock.systemUTC());
    assertThat(imds).isInstanceOf(ImdsClient.class);
    assertThat(imds.endpoint()).startsWith("http://127.169.254.254:1");
  }
}
