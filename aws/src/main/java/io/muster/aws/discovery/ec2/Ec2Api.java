package io.muster.aws.discovery.ec2;

import io.muster.discovery.DiscoveryException;
import java.util.List;
import java.util.Map;

/**
 * The part of the EC2 API discovery uses: DescribeInstances, by id or by filter. Implementations
 * follow every NextToken and turn API errors into a {@link DiscoveryException} whose message names
 * the IAM action and the fix.
 */
public interface Ec2Api {
  /** The IAM action behind both calls. */
  String DESCRIBE_INSTANCES = "ec2:DescribeInstances";

  /**
   * The instances with these ids, any number of them (implementations batch). Ids EC2 does not know
   * yet (eventual consistency right after launch) are left out rather than failing the call.
   */
  List<Ec2Instance> instancesById(List<String> ids) throws DiscoveryException;

  /**
   * The instances matching every filter: name (e.g. {@code tag:cluster}, {@code vpc-id}) to the
   * values it accepts (any of them). Filters are ANDed, values within one filter ORed.
   */
  List<Ec2Instance> instances(Map<String, List<String>> filters) throws DiscoveryException;

  /** Where the calls go, for messages: "region eu-west-1". */
  String where();
}
