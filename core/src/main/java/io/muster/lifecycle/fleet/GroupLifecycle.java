package io.muster.lifecycle.fleet;

import io.muster.lifecycle.LifecycleException;
import io.muster.lifecycle.LifecycleTransition;
import java.util.List;
import java.util.Map;

/**
 * The seam to what the reconcile reads of Auto Scaling ({@code DescribeAutoScalingGroups} and
 * {@code DescribeLifecycleHooks}; the {@code aws} module implements it). Both throw {@link
 * LifecycleException} on an API error.
 */
public interface GroupLifecycle {

  /** One lifecycle hook of a group. */
  record Hook(String name, LifecycleTransition transition, String metadata) {}

  /**
   * Every instance of the group by id, with its lifecycle state ({@code Pending:Wait}, {@code
   * InService}, ...); throws when no group has that name (a typo must not reconcile nothing).
   */
  Map<String, String> instanceStates(String group);

  /** The group's lifecycle hooks. */
  List<Hook> hooks(String group);
}
