package io.muster.aws.discovery.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceIpv6Address;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterfaceAttachment;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Tag;

/** The pure parts of the SDK-backed seam: error parsing and model conversion. */
class SdkEc2ApiTest {
  @Test
  void missingIdsAreReadFromBothFormsOfTheNotFoundMessage() {
    assertThat(SdkEc2Api.missingIds("The instance ID 'i-0123456789abcdef0' does not exist"))
        .containsExactly("i-0123456789abcdef0");
    assertThat(
            SdkEc2Api.missingIds(
                "The instance IDs 'i-0aaaaaaaaaaaaaaa1, i-0bbbbbbbbbbbbbbb2' do not exist"))
        .containsExactly("i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2");
    assertThat(SdkEc2Api.missingIds(null)).isEmpty();
  }

  @Test
  void convertTakesAddressesNameZoneLaunchTimeAndTags() {
    Instance i =
        Instance.builder()
            .instanceId("i-1")
            .state(s -> s.name(InstanceStateName.RUNNING).code(16))
            .privateIpAddress("10.0.0.1")
            .privateDnsName("ip-10-0-0-1.eu-west-1.compute.internal")
            .placement(p -> p.availabilityZone("eu-west-1b"))
            .launchTime(Instant.parse("2025-01-02T03:04:05Z"))
            .tags(Tag.builder().key("cluster").value("web").build())
            .build();

    Ec2Instance e = SdkEc2Api.convert(i);

    assertThat(e)
        .isEqualTo(
            new Ec2Instance(
                "i-1",
                "running",
                "10.0.0.1",
                null,
                "ip-10-0-0-1.eu-west-1.compute.internal",
                "eu-west-1b",
                Instant.parse("2025-01-02T03:04:05Z"),
                java.util.Map.of("cluster", "web")));
  }

  @Test
  void ipv6ComesFromThePrimaryInterfaceWhenTheInstanceFieldIsAbsent() {
    Instance i =
        Instance.builder()
            .instanceId("i-1")
            .networkInterfaces(eni(1, "2001:db8::b"), eni(0, "2001:db8::a"))
            .build();

    assertThat(SdkEc2Api.convert(i).ipv6()).isEqualTo("2001:db8::a");
    assertThat(SdkEc2Api.convert(i.toBuilder().ipv6Address("2001:db8::c").build()).ipv6())
        .isEqualTo("2001:db8::c");
  }

  private static InstanceNetworkInterface eni(int deviceIndex, String v6) {
    return InstanceNetworkInterface.builder()
        .attachment(InstanceNetworkInterfaceAttachment.builder().deviceIndex(deviceIndex).build())
        .ipv6Addresses(InstanceIpv6Address.builder().ipv6Address(v6).build())
        .build();
  }
}
