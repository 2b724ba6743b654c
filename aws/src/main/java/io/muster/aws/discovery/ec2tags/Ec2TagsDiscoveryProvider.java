package io.muster.aws.discovery.ec2tags;

import io.muster.aws.AwsClients;
import io.muster.aws.discovery.ec2.Ec2Api;
import io.muster.aws.discovery.ec2.SdkEc2Api;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryProvider;
import io.muster.plugin.PluginContext;
import java.util.List;

/**
 * {@code ec2-tags}: the running instances carrying every given tag, optionally limited to a VPC and
 * subnets. Needs ec2:DescribeInstances.
 */
public final class Ec2TagsDiscoveryProvider implements DiscoveryProvider {
  public static final Key TAGS =
      Key.of(
              "discovery.ec2-tags.tags",
              Key.Kind.MAP,
              null,
              "Tags every peer carries, as KEY=VALUE (all must match; * and ? are wildcards).")
          .withFlag("--tag")
          .requiredWhen(CoreKeys.DISCOVERY_PROVIDER, "ec2-tags");
  public static final Key VPC_ID =
      Key.of("discovery.ec2-tags.vpc-id", Key.Kind.STRING, null, "Only instances in this VPC.");
  public static final Key SUBNET_IDS =
      Key.of(
          "discovery.ec2-tags.subnet-ids",
          Key.Kind.LIST,
          null,
          "Only instances in one of these subnets.");

  @Override
  public String name() {
    return "ec2-tags";
  }

  @Override
  public String section() {
    return "Discovery: ec2-tags";
  }

  @Override
  public List<Key> keys() {
    return List.of(TAGS, VPC_ID, SUBNET_IDS);
  }

  @Override
  public List<String> iamActions() {
    return List.of(Ec2Api.DESCRIBE_INSTANCES);
  }

  @Override
  public Discovery create(PluginContext context) {
    return new Ec2TagsDiscovery(
        Ec2TagsSettings.from(context.settings()), new SdkEc2Api(() -> AwsClients.of(context)));
  }
}
