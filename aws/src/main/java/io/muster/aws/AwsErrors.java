package io.muster.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Turns SDK exceptions into messages that tell the operator what to do. */
public final class AwsErrors {
  private AwsErrors() {}

  /** Whether {@code e} is the service refusing the call for its rate limit. */
  public static boolean throttled(RuntimeException e) {
    return e instanceof AwsServiceException ase
        && ase.awsErrorDetails() != null
        && isThrottling(ase.awsErrorDetails().errorCode());
  }

  private static boolean isThrottling(String code) {
    return code != null
        && (code.contains("Throttl")
            || code.equals("RequestLimitExceeded")
            || code.equals("TooManyRequestsException"));
  }

  /**
   * Whether no retry can fix {@code e}: the call was denied, or there are no credentials or no
   * region to make it with. The operator must act; retrying until join.timeout only hides it.
   */
  public static boolean isPermanent(Throwable e) {
    if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
      String code = ase.awsErrorDetails().errorCode();
      return code != null
          && (code.contains("AccessDenied")
              || code.equals("UnauthorizedOperation")
              || code.equals("AccessDeniedException"));
    }
    if (e instanceof SdkClientException) {
      String msg = String.valueOf(e.getMessage());
      return msg.contains("Unable to load credentials") || msg.contains("Unable to load region");
    }
    return false;
  }

  /**
   * @param action the IAM action that was called, e.g. "ec2:DescribeInstances"
   * @param e what the SDK threw
   */
  public static String explain(String action, RuntimeException e) {
    if (e instanceof AwsServiceException ase) {
      String code = ase.awsErrorDetails() == null ? "" : ase.awsErrorDetails().errorCode();
      if (code != null
          && (code.contains("AccessDenied")
              || code.equals("UnauthorizedOperation")
              || code.equals("AccessDeniedException"))) {
        return action
            + " was denied ("
            + code
            + "): add \""
            + action
            + "\" to the instance role's policy (see `muster iam-policy`)";
      }
      if (isThrottling(code)) {
        return action + " was throttled (" + code + "); muster will back off and retry";
      }
      return action
          + " failed: "
          + (code == null || code.isEmpty() ? "HTTP " + ase.statusCode() : code)
          + " "
          + (ase.awsErrorDetails() == null ? "" : ase.awsErrorDetails().errorMessage());
    }
    if (e instanceof SdkClientException) {
      String msg = e.getMessage();
      if (msg != null && msg.contains("Unable to load credentials")) {
        return action
            + ": no AWS credentials found: attach an instance profile, or set AWS_PROFILE /"
            + " AWS_ACCESS_KEY_ID";
      }
      if (msg != null && msg.contains("Unable to load region")) {
        return action + ": no AWS region: set node.region (--region) or AWS_REGION";
      }
      return action + " could not reach AWS: " + msg;
    }
    return action + " failed: " + e;
  }
}
