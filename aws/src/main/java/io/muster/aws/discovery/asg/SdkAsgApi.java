package io.muster.aws.discovery.asg;

import io.muster.aws.AwsClients;
import io.muster.aws.AwsErrors;
import io.muster.aws.AwsService;
import io.muster.discovery.DiscoveryException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.autoscaling.model.Instance;

/** {@link AsgApi} on the AWS SDK client from {@link AwsClients}. */
public final class SdkAsgApi implements AsgApi {
  /** The API's upper bound for MaxRecords. */
  static final int MAX_RECORDS = 100;

  private final Supplier<AwsClients> aws;

  /** Clients are obtained on the first call, so building discovery never touches AWS. */
  public SdkAsgApi(Supplier<AwsClients> aws) {
    this.aws = aws;
  }

  @Override
  public String where() {
    return aws.get().where(AwsService.AUTOSCALING);
  }

  @Override
  public OptionalInt desiredCapacity(String groupName) throws DiscoveryException {
    DescribeAutoScalingGroupsResponse page;
    try {
      page =
          aws.get()
              .autoScaling()
              .describeAutoScalingGroups(
                  DescribeAutoScalingGroupsRequest.builder()
                      .autoScalingGroupNames(groupName)
                      .maxRecords(1)
                      .build());
    } catch (RuntimeException e) {
      throw new DiscoveryException(
          AwsErrors.explain(DESCRIBE_GROUPS, e), e, AwsErrors.isPermanent(e));
    }
    for (AutoScalingGroup g : page.autoScalingGroups()) {
      if (groupName.equals(g.autoScalingGroupName()) && g.desiredCapacity() != null) {
        return OptionalInt.of(g.desiredCapacity());
      }
    }
    return OptionalInt.empty();
  }

  /**
   * Follows NextToken to the end. A group's instances are merged across pages (first listing of an
   * instance wins), so a group that spans pages is neither cut short nor counted twice.
   */
  @Override
  public Optional<List<AsgInstance>> groupInstances(String groupName) throws DiscoveryException {
    DescribeAutoScalingGroupsRequest.Builder request =
        DescribeAutoScalingGroupsRequest.builder()
            .autoScalingGroupNames(groupName)
            .maxRecords(MAX_RECORDS);
    Map<String, AsgInstance> instances = new LinkedHashMap<>();
    boolean found = false;
    Set<String> tokens = new HashSet<>();
    String token = null;
    do {
      DescribeAutoScalingGroupsResponse page;
      try {
        page = aws.get().autoScaling().describeAutoScalingGroups(request.nextToken(token).build());
      } catch (RuntimeException e) {
        throw new DiscoveryException(
            AwsErrors.explain(DESCRIBE_GROUPS, e), e, AwsErrors.isPermanent(e));
      }
      for (AutoScalingGroup g : page.autoScalingGroups()) {
        if (!groupName.equals(g.autoScalingGroupName())) {
          continue;
        }
        found = true;
        for (Instance i : g.instances()) {
          instances.putIfAbsent(
              i.instanceId(),
              new AsgInstance(i.instanceId(), i.lifecycleStateAsString(), i.availabilityZone()));
        }
      }
      token = page.nextToken() == null || page.nextToken().isEmpty() ? null : page.nextToken();
      if (token != null && !tokens.add(token)) {
        // A well-behaved endpoint never repeats a token; following it would loop forever.
        throw new DiscoveryException(
            DESCRIBE_GROUPS
                + " returned the same NextToken twice at "
                + where()
                + "; check "
                + AwsService.AUTOSCALING.endpointUrl().name()
                + " (or aws.endpoint-url) points at Auto Scaling");
      }
    } while (token != null);
    return found ? Optional.of(new ArrayList<>(instances.values())) : Optional.empty();
  }
}
