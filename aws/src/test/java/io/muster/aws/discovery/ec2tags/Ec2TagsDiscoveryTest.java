package io.muster.aws.discovery.ec2tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.discovery.ec2.Ec2Instance;
import io.muster.aws.discovery.ec2.RecordingEc2Api;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Ec2TagsDiscoveryTest {
  private final RecordingEc2Api ec2 = new RecordingEc2Api();
  private final Ec2TagsSettings settings =
      new Ec2TagsSettings(Map.of("cluster", "web"), null, List.of());

  private static Ec2Instance running(String id, String ip) {
    return new Ec2Instance(id, "running", ip, null, null, "eu-west-1a", Instant.EPOCH, Map.of());
  }

  @Test
  void asksEc2WithTheSettingsFiltersAndMapsEveryAddressedInstanceOnce() throws Exception {
    ec2.answer(
        running("i-2", "10.0.0.2"),
        running("i-1", "10.0.0.1"),
        running("i-3", null),
        running("i-2", "10.0.0.2"));

    List<Peer> peers = new Ec2TagsDiscovery(settings, ec2).discover();

    assertThat(ec2.filterCalls()).containsExactly(settings.filters());
    assertThat(ec2.idCalls()).isEmpty();
    assertThat(peers).extracting(Peer::instanceId).containsExactly("i-2", "i-1");
  }

  @Test
  void noMatchIsAnEmptyViewNotAnError() throws Exception {
    assertThat(new Ec2TagsDiscovery(settings, ec2).discover()).isEmpty();
    assertThat(new Ec2TagsDiscovery(settings, ec2).describe())
        .isEqualTo("EC2 running instances with tag cluster=web");
  }

  @Test
  void emptyViewWarningNamesTheFiltersAndWhere() {
    assertThat(Ec2TagsDiscovery.emptyViewMessage(settings, "region eu-west-1"))
        .isEqualTo(
            "no peers: no EC2 running instances with tag cluster=web in region eu-west-1"
                + " (DescribeInstances filters {tag:cluster=[web], instance-state-name=[running]})."
                + " Check discovery.ec2-tags.tags (--tag), the VPC/subnet keys and node.region"
                + " (--region); tag keys and values are case-sensitive");
  }

  @Test
  void apiErrorsPassThroughUnchanged() {
    DiscoveryException denied = new DiscoveryException("ec2:DescribeInstances was denied");
    ec2.failWith(denied);

    assertThatThrownBy(() -> new Ec2TagsDiscovery(settings, ec2).discover()).isSameAs(denied);
  }
}
