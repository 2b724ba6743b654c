package io.muster.aws.discovery.asg;

import io.muster.discovery.DiscoveryException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The part of the Auto Scaling API the asg provider uses: DescribeAutoScalingGroups. */
public interface AsgApi {
  String DESCRIBE_GROUPS = "autoscaling:DescribeAutoScalingGroups";

  /**
   * Every instance of the named group, in every lifecycle state, from every page.
   *
   * @return empty when no group has that name
   */
  Optional<List<AsgInstance>> groupInstances(String groupName) throws DiscoveryException;

  /**
   * The named group's desired capacity: one DescribeAutoScalingGroups request (its first page).
   *
   * @return empty when no group has that name
   */
  OptionalInt desiredCapacity(String groupName) throws DiscoveryException;

  /** Where the calls go, for messages: "region eu-west-1". */
  String where();
}
