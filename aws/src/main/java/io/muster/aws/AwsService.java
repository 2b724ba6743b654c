package io.muster.aws;

import io.muster.config.Key;

/**
 * The AWS services muster has a client for in {@link AwsClients}, each with its endpoint override
 * key {@code aws.<id>.endpoint-url}. Adding a service is one constant here (its key, environment
 * variable and README row follow) plus its client accessor in {@link AwsClients}. A service gets a
 * constant only together with its client: a key that changes nothing would mislead operators.
 */
public enum AwsService {
  EC2("ec2", "EC2"),
  AUTOSCALING("autoscaling", "Auto Scaling"),
  SSM("ssm", "SSM"),
  SECRETSMANAGER("secretsmanager", "Secrets Manager"),
  SQS("sqs", "SQS");

  private final String id;
  private final Key endpointUrl;

  /**
   * @param id the SDK's service name ({@code Ec2Client.SERVICE_NAME} ...), also the key's segment
   * @param title the name operators know, for the key's documentation
   */
  AwsService(String id, String title) {
    this.id = id;
    this.endpointUrl = AwsKeys.serviceEndpointUrl(id, title);
  }

  /** The SDK's name of this service, e.g. {@code autoscaling}. */
  public String id() {
    return id;
  }

  /** {@code aws.<id>.endpoint-url}: this service's endpoint, over {@code aws.endpoint-url}. */
  public Key endpointUrl() {
    return endpointUrl;
  }
}
