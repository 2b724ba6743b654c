package io.muster.aws.lifecycle;

import io.muster.aws.AwsClients;
import io.muster.aws.AwsErrors;
import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleActions;
import io.muster.lifecycle.LifecycleException;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.LifecycleStates;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.autoscaling.model.CompleteLifecycleActionRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingInstancesRequest;
import software.amazon.awssdk.services.autoscaling.model.RecordLifecycleActionHeartbeatRequest;

/**
 * {@link LifecycleActions} on the SDK's Auto Scaling client from {@link AwsClients}: {@code
 * CompleteLifecycleAction}, {@code RecordLifecycleActionHeartbeat} and, for the completion policy's
 * race handling, {@code DescribeAutoScalingInstances}.
 *
 * <p>An action is named by its token when it has one (a notification), else by instance id (the
 * instance metadata gives no token); AWS accepts either. AWS answers a completed, expired or
 * not-yet-visible action with {@code ValidationError: No active Lifecycle Action found ...}: that
 * is {@link Outcome#NO_ACTIVE_ACTION}. Access denied and other validation errors are not retryable;
 * throttling, server errors and unreachable endpoints are.
 */
public final class AutoScalingLifecycleActions implements LifecycleActions, LifecycleStates {
  public static final String COMPLETE = "autoscaling:CompleteLifecycleAction";
  public static final String HEARTBEAT = "autoscaling:RecordLifecycleActionHeartbeat";
  public static final String DESCRIBE_INSTANCES = "autoscaling:DescribeAutoScalingInstances";

  static final String NO_ACTIVE = "No active Lifecycle Action found";

  private final Supplier<AwsClients> aws;

  /** Clients are obtained on the first call, so building this never touches AWS. */
  public AutoScalingLifecycleActions(Supplier<AwsClients> aws) {
    this.aws = aws;
  }

  @Override
  public Outcome complete(LifecycleAction action, LifecycleResult result) {
    CompleteLifecycleActionRequest.Builder request =
        CompleteLifecycleActionRequest.builder()
            .autoScalingGroupName(action.groupName())
            .lifecycleHookName(action.hookName())
            .lifecycleActionResult(result.name());
    action
        .token()
        .ifPresentOrElse(
            request::lifecycleActionToken, () -> request.instanceId(action.instanceId()));
    try {
      aws.get().autoScaling().completeLifecycleAction(request.build());
      return Outcome.ACCEPTED;
    } catch (RuntimeException e) {
      return classify(COMPLETE, action, e);
    }
  }

  @Override
  public Outcome heartbeat(LifecycleAction action) {
    RecordLifecycleActionHeartbeatRequest.Builder request =
        RecordLifecycleActionHeartbeatRequest.builder()
            .autoScalingGroupName(action.groupName())
            .lifecycleHookName(action.hookName());
    action
        .token()
        .ifPresentOrElse(
            request::lifecycleActionToken, () -> request.instanceId(action.instanceId()));
    try {
      aws.get().autoScaling().recordLifecycleActionHeartbeat(request.build());
      return Outcome.ACCEPTED;
    } catch (RuntimeException e) {
      return classify(HEARTBEAT, action, e);
    }
  }

  @Override
  public Optional<String> lifecycleState(String instanceId) {
    try {
      return aws
          .get()
          .autoScaling()
          .describeAutoScalingInstances(
              DescribeAutoScalingInstancesRequest.builder().instanceIds(instanceId).build())
          .autoScalingInstances()
          .stream()
          .filter(i -> instanceId.equals(i.instanceId()))
          .map(AutoScalingInstanceDetails::lifecycleState)
          .findFirst();
    } catch (RuntimeException e) {
      throw new LifecycleException(
          AwsErrors.explain(DESCRIBE_INSTANCES, e) + " (instance " + instanceId + ")",
          retryable(e),
          e);
    }
  }

  private static Outcome classify(String call, LifecycleAction action, RuntimeException e) {
    if (e instanceof AwsServiceException ase
        && ase.awsErrorDetails() != null
        && "ValidationError".equals(ase.awsErrorDetails().errorCode())
        && ase.awsErrorDetails().errorMessage() != null
        && ase.awsErrorDetails().errorMessage().contains(NO_ACTIVE)) {
      return Outcome.NO_ACTIVE_ACTION;
    }
    throw new LifecycleException(AwsErrors.explain(call, e) + " (" + action + ")", retryable(e), e);
  }

  /** Client errors (4xx) other than throttling are not fixed by retrying; the rest may be. */
  static boolean retryable(RuntimeException e) {
    if (e instanceof AwsServiceException ase) {
      String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
      if (code != null && (code.contains("Throttl") || code.equals("RequestLimitExceeded"))) {
        return true;
      }
      return ase.statusCode() >= 500 || ase.statusCode() == 0;
    }
    return true; // unreachable endpoint, timeout: the next try may get through
  }
}
