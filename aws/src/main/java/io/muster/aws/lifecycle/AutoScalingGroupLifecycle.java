package io.muster.aws.lifecycle;

import io.muster.aws.AwsClients;
import io.muster.aws.AwsErrors;
import io.muster.aws.discovery.asg.AsgApi;
import io.muster.aws.discovery.asg.AsgInstance;
import io.muster.discovery.DiscoveryException;
import io.muster.lifecycle.LifecycleException;
import io.muster.lifecycle.LifecycleTransition;
import io.muster.lifecycle.fleet.GroupLifecycle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.autoscaling.model.DescribeLifecycleHooksRequest;
import software.amazon.awssdk.services.autoscaling.model.LifecycleHook;

/**
 * {@link GroupLifecycle} on the SDK: the group's instances and their lifecycle states through
 * {@code DescribeAutoScalingGroups} (the asg discovery's {@link AsgApi}, every page), its hooks
 * through {@code DescribeLifecycleHooks}.
 */
public final class AutoScalingGroupLifecycle implements GroupLifecycle {
  public static final String DESCRIBE_GROUPS = AsgApi.DESCRIBE_GROUPS;
  public static final String DESCRIBE_HOOKS = "autoscaling:DescribeLifecycleHooks";

  private final AsgApi groups;
  private final Supplier<AwsClients> aws;

  public AutoScalingGroupLifecycle(AsgApi groups, Supplier<AwsClients> aws) {
    this.groups = groups;
    this.aws = aws;
  }

  @Override
  public Map<String, String> instanceStates(String group) {
    Optional<List<AsgInstance>> found;
    try {
      found = groups.groupInstances(group);
    } catch (DiscoveryException e) {
      throw new LifecycleException(e.getMessage(), !e.permanent(), e);
    }
    if (found.isEmpty()) {
      // A typo in lifecycle.controller.groups would otherwise reconcile nothing, silently.
      throw new LifecycleException(
          "no Auto Scaling group named '"
              + group
              + "' in "
              + groups.where()
              + ": check lifecycle.controller.groups",
          false,
          null);
    }
    Map<String, String> out = new LinkedHashMap<>();
    found.get().forEach(i -> out.put(i.instanceId(), i.lifecycleState()));
    return out;
  }

  @Override
  public List<Hook> hooks(String group) {
    List<LifecycleHook> hooks;
    try {
      hooks =
          aws.get()
              .autoScaling()
              .describeLifecycleHooks(
                  DescribeLifecycleHooksRequest.builder().autoScalingGroupName(group).build())
              .lifecycleHooks();
    } catch (RuntimeException e) {
      throw new LifecycleException(
          AwsErrors.explain(DESCRIBE_HOOKS, e) + " (group " + group + ")",
          AutoScalingLifecycleActions.retryable(e),
          e);
    }
    List<Hook> out = new ArrayList<>();
    for (LifecycleHook h : hooks) {
      LifecycleTransition.fromWireName(h.lifecycleTransition())
          .ifPresent(
              t ->
                  out.add(
                      new Hook(
                          h.lifecycleHookName(),
                          t,
                          h.notificationMetadata() == null ? "" : h.notificationMetadata())));
    }
    return out;
  }
}
