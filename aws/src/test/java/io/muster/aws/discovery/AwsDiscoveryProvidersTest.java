package io.muster.aws.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.aws.AwsClients;
import io.muster.aws.discovery.asg.AsgDiscoveryProvider;
import io.muster.aws.discovery.ec2tags.Ec2TagsDiscoveryProvider;
import io.muster.config.Key;
import io.muster.config.KeyCatalog;
import io.muster.config.Settings;
import io.muster.discovery.DiscoveryProvider;
import io.muster.model.NodeIdentity;
import io.muster.plugin.PluginContext;
import io.muster.plugin.PluginRegistry;
import io.muster.plugin.Plugins;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The AWS providers are registered, declare their keys and IAM actions, and build lazily. */
class AwsDiscoveryProvidersTest {
  @Test
  void providersAreFoundByShortName() {
    PluginRegistry<DiscoveryProvider> providers = Plugins.discovery();

    assertThat(providers.all()).containsKeys("asg", "ec2-tags", "static");
    assertThat(providers.all().get("asg")).isInstanceOf(AsgDiscoveryProvider.class);
    assertThat(providers.all().get("ec2-tags")).isInstanceOf(Ec2TagsDiscoveryProvider.class);
  }

  @Test
  void keyCatalogsListTheirKeysExactlyOnce() {
    List<String> names = new ArrayList<>();
    List<Class<?>> catalogs = new ArrayList<>();
    for (KeyCatalog c : Plugins.keys().catalogs()) {
      catalogs.add(c.getClass());
      c.keys().forEach(k -> names.add(k.name()));
    }

    assertThat(catalogs).contains(AsgDiscoveryProvider.class, Ec2TagsDiscoveryProvider.class);
    assertThat(names)
        .doesNotHaveDuplicates()
        .contains(
            "discovery.asg.name",
            "discovery.asg.include-pending",
            "discovery.ec2-tags.tags",
            "discovery.ec2-tags.vpc-id",
            "discovery.ec2-tags.subnet-ids");
  }

  @Test
  void keysHaveTheDeclaredKindsFlagsAndDefaults() {
    assertThat(AsgDiscoveryProvider.NAME.flag()).isEqualTo("--asg");
    assertThat(AsgDiscoveryProvider.INCLUDE_PENDING.kind()).isEqualTo(Key.Kind.BOOL);
    assertThat(AsgDiscoveryProvider.INCLUDE_PENDING.defaultValue()).isEqualTo("false");
    assertThat(Ec2TagsDiscoveryProvider.TAGS.kind()).isEqualTo(Key.Kind.MAP);
    assertThat(Ec2TagsDiscoveryProvider.TAGS.flag()).isEqualTo("--tag");
    assertThat(Ec2TagsDiscoveryProvider.SUBNET_IDS.kind()).isEqualTo(Key.Kind.LIST);
  }

  @Test
  void iamActions() {
    assertThat(new AsgDiscoveryProvider().iamActions())
        .containsExactly("autoscaling:DescribeAutoScalingGroups", "ec2:DescribeInstances");
    assertThat(new Ec2TagsDiscoveryProvider().iamActions())
        .containsExactly("ec2:DescribeInstances");
  }

  @Test
  void creatingADiscoveryNeverBuildsAwsClients() {
    PluginContext context =
        PluginContext.of(
            Settings.empty()
                .with(AsgDiscoveryProvider.NAME, "web")
                .with(Ec2TagsDiscoveryProvider.TAGS, "cluster=web"),
            () -> NodeIdentity.of("i-1", "10.0.0.1"));

    assertThat(new AsgDiscoveryProvider().create(context).describe()).contains("'web'");
    assertThat(new Ec2TagsDiscoveryProvider().create(context).describe()).contains("cluster=web");
    assertThat(context.shared().holds(AwsClients.class))
        .as("AWS clients built while creating discovery")
        .isFalse();
  }
}
