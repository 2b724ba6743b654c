package io.muster.aws.discovery.asg;

import io.muster.aws.AwsClients;
import io.muster.aws.discovery.ec2.Ec2Api;
import io.muster.aws.discovery.ec2.SdkEc2Api;
import io.muster.config.Key;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryProvider;
import io.muster.plugin.PluginContext;
import java.util.List;

/**
 * {@code asg}: the InService instances of an Auto Scaling group, by default this instance's own.
 * Needs autoscaling:DescribeAutoScalingGroups and ec2:DescribeInstances.
 */
public final class AsgDiscoveryProvider implements DiscoveryProvider {
  public static final Key NAME =
      Key.of(
              "discovery.asg.name",
              Key.Kind.STRING,
              null,
              "Auto Scaling group whose instances are the peers; default: this instance's own"
                  + " group.")
          .withFlag("--asg");
  public static final Key INCLUDE_PENDING =
      Key.of(
          "discovery.asg.include-pending",
          Key.Kind.BOOL,
          "false",
          "Also count launching instances (Pending, Pending:Wait, Pending:Proceed) as peers.");

  @Override
  public String name() {
    return "asg";
  }

  @Override
  public String section() {
    return "Discovery: asg";
  }

  @Override
  public List<Key> keys() {
    return List.of(NAME, INCLUDE_PENDING);
  }

  @Override
  public List<String> iamActions() {
    return List.of(AsgApi.DESCRIBE_GROUPS, Ec2Api.DESCRIBE_INSTANCES);
  }

  @Override
  public Discovery create(PluginContext context) {
    AsgSettings settings = AsgSettings.from(context.settings(), context.identity());
    return new AsgDiscovery(
        settings,
        new SdkAsgApi(() -> AwsClients.of(context)),
        new SdkEc2Api(() -> AwsClients.of(context)));
  }
}
