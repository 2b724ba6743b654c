package io.muster.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Resolution rules over an in-memory {@link InstanceMetadata}. */
class NodeIdentityResolverTest {
  /** Metadata in memory; records the paths asked for. */
  static final class MapMetadata implements InstanceMetadata {
    final Map<String, String> items = new HashMap<>();
    final List<String> asked = new ArrayList<>();

    MapMetadata typical() {
      items.put("instance-id", "i-0123456789abcdef0");
      items.put("local-ipv4", "10.0.1.12");
      items.put("ipv6", "2001:db8::12");
      items.put("local-hostname", "ip-10-0-1-12.eu-west-1.compute.internal");
      items.put("placement/availability-zone", "eu-west-1b");
      items.put("placement/region", "eu-west-1");
      items.put("autoscaling/group-name", "web-prod");
      return this;
    }

    @Override
    public Optional<String> get(String path) {
      asked.add(path);
      return Optional.ofNullable(items.get(path));
    }

    @Override
    public String endpoint() {
      return "memory";
    }
  }

  private final MapMetadata imds = new MapMetadata().typical();

  private NodeIdentity resolve(Settings s) throws Exception {
    return new NodeIdentityResolver(s, () -> imds, () -> "os-host").resolve();
  }

  @Test
  void everythingFromMetadataWithoutOverrides() throws Exception {
    NodeIdentity id = resolve(Settings.empty());

    assertThat(id.instanceId()).isEqualTo("i-0123456789abcdef0");
    assertThat(id.addressText()).isEqualTo("10.0.1.12");
    assertThat(id.ipv6().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:12");
    assertThat(id.hostname()).isEqualTo("ip-10-0-1-12.eu-west-1.compute.internal");
    assertThat(id.availabilityZone()).isEqualTo("eu-west-1b");
    assertThat(id.region()).isEqualTo("eu-west-1");
    assertThat(id.autoScalingGroup()).isEqualTo("web-prod");
  }

  @Test
  void overridesWinAndTheirItemsAreNotEvenAskedFor() throws Exception {
    Settings s =
        Settings.empty()
            .with(CoreKeys.NODE_INSTANCE_ID, "node-7")
            .with(CoreKeys.NODE_HOSTNAME, "n7.example")
            .with(CoreKeys.NODE_AVAILABILITY_ZONE, "zone-x")
            .with(CoreKeys.NODE_REGION, "us-east-2")
            .with(CoreKeys.NODE_ASG, "other-group");

    NodeIdentity id = resolve(s);

    assertThat(id)
        .extracting(
            NodeIdentity::instanceId,
            NodeIdentity::hostname,
            NodeIdentity::availabilityZone,
            NodeIdentity::region,
            NodeIdentity::autoScalingGroup)
        .containsExactly("node-7", "n7.example", "zone-x", "us-east-2", "other-group");
    assertThat(id.addressText()).isEqualTo("10.0.1.12");
    assertThat(imds.asked).containsExactlyInAnyOrder("local-ipv4", "ipv6");
  }

  @Test
  void withNodeAddressMetadataIsNeverContacted() throws Exception {
    Supplier<InstanceMetadata> never =
        () -> {
          throw new AssertionError("instance metadata contacted although node.address is set");
        };
    Settings s = Settings.empty().with(CoreKeys.NODE_ADDRESS, "192.168.7.4");

    NodeIdentity plain = new NodeIdentityResolver(s, never, () -> "os-host").resolve();
    NodeIdentity named =
        new NodeIdentityResolver(s.with(CoreKeys.NODE_HOSTNAME, "n1"), never, () -> "os-host")
            .resolve();

    assertThat(plain.instanceId()).isEqualTo("192.168.7.4");
    assertThat(plain.addressText()).isEqualTo("192.168.7.4");
    assertThat(named.instanceId()).isEqualTo("n1");
    assertThat(named.hostname()).isEqualTo("n1");
  }

  @Test
  void noGroupWhenMetadataHasNone() throws Exception {
    imds.items.remove("autoscaling/group-name");
    imds.items.remove("ipv6");

    NodeIdentity id = resolve(Settings.empty());

    assertThat(id.autoScalingGroup()).isNull();
    assertThat(id.ipv6()).isNull();
  }

  @Test
  void hostnameFallsBackToTheOsOne() throws Exception {
    imds.items.remove("local-hostname");

    assertThat(resolve(Settings.empty()).hostname()).isEqualTo("os-host");
  }

  @Test
  void metadataWithoutAnAddressNamesTheOverride() {
    imds.items.remove("local-ipv4");

    assertThatThrownBy(() -> resolve(Settings.empty()))
        .isInstanceOf(NodeIdentityResolver.IdentityException.class)
        .hasMessageContaining("instance metadata has no local-ipv4")
        .hasMessageContaining("Set node.address");
  }

  @Test
  void unreachableMetadataNamesTheOverride() {
    InstanceMetadata down =
        new InstanceMetadata() {
          @Override
          public Optional<String> get(String path) throws IOException {
            throw new IOException("instance metadata at x did not answer within 1000 ms");
          }

          @Override
          public String endpoint() {
            return "x";
          }
        };

    assertThatThrownBy(
            () -> new NodeIdentityResolver(Settings.empty(), () -> down, () -> null).resolve())
        .isInstanceOf(NodeIdentityResolver.IdentityException.class)
        .hasMessageStartingWith("instance metadata at x did not answer within 1000 ms. Not on EC2?")
        .hasMessageContaining("node.address (--node-address or MUSTER_NODE_ADDRESS)");
  }

  @Test
  void badAddressOverrideIsAConfigError() {
    assertThatThrownBy(() -> resolve(Settings.empty().with(CoreKeys.NODE_ADDRESS, "web-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("node.address='web-1' (from override): not an IP address");
  }

  @Test
  void osHostnameNeedsNoDns() {
    // On Linux the kernel knows it; the call must not be null here and must not resolve names.
    assertThat(NodeIdentityResolver.osHostname()).isNotBlank();
  }
}
