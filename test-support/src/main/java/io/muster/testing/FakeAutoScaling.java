package io.muster.testing;

import io.muster.testing.FakeAwsQueryServer.Reply;
import io.muster.testing.FakeAwsQueryServer.Request;
import io.muster.testing.FakeAwsQueryServer.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Auto Scaling's DescribeAutoScalingGroups on a {@link FakeAwsQueryServer}, answering the real XML
 * shape ({@code DescribeAutoScalingGroupsResponse/DescribeAutoScalingGroupsResult/
 * AutoScalingGroups/member/Instances/member}, {@code NextToken}).
 *
 * <p>As the real API: {@code AutoScalingGroupNames.member.N} selects groups and silently ignores
 * names that do not exist (an empty list, not an error); without names every group is listed;
 * {@code MaxRecords} must be 1..100 (default 50) and counts groups; a NextToken is only accepted
 * with the parameters it was issued for.
 *
 * <p>{@link #instancesPerPage(int)} additionally splits a big group's instance list over several
 * pages (the group repeated with the next slice of instances). AWS documents no such split; it is a
 * stress mode proving a client follows NextToken and merges, rather than assuming one page.
 */
public final class FakeAutoScaling {
  public static final String ACTION = "DescribeAutoScalingGroups";

  /** One member of a group. */
  public record Member(String instanceId, String availabilityZone, String lifecycleState) {}

  private record Chunk(String group, List<Member> members) {}

  private final FakeAwsQueryServer server;
  private final Map<String, List<Member>> groups = new LinkedHashMap<>();
  private final Map<String, Integer> desired = new LinkedHashMap<>();
  private final PageTokens tokens = new PageTokens();
  private volatile int instancesPerPage = 0;
  private volatile boolean denied;

  /** Registers DescribeAutoScalingGroups on {@code server}. */
  public FakeAutoScaling(FakeAwsQueryServer server) {
    this.server = server;
    server.on(Service.AUTO_SCALING, ACTION, this::describe);
  }

  /** Creates or replaces a group with these members. */
  public synchronized FakeAutoScaling group(String name, List<Member> members) {
    groups.put(name, List.copyOf(members));
    return this;
  }

  /**
   * Sets a group's desired capacity, for a group still launching towards it (default: as many as
   * its members).
   */
  public synchronized FakeAutoScaling desiredCapacity(String name, int n) {
    desired.put(name, n);
    return this;
  }

  /** Splits each group's instance list into pages of at most {@code n} instances; 0 = never. */
  public FakeAutoScaling instancesPerPage(int n) {
    this.instancesPerPage = n;
    return this;
  }

  /** Answers every call with 403 AccessDenied, as Auto Scaling does without the IAM permission. */
  public FakeAutoScaling deny() {
    this.denied = true;
    return this;
  }

  private synchronized Reply describe(Request r) {
    if (denied) {
      return server.queryError(
          Service.AUTO_SCALING,
          403,
          "Sender",
          "AccessDenied",
          "User: arn:aws:sts::123456789012:assumed-role/muster-node/i-0aaaaaaaaaaaaaaa0 is not"
              + " authorized to perform: autoscaling:DescribeAutoScalingGroups because no"
              + " identity-based policy allows the autoscaling:DescribeAutoScalingGroups action");
    }
    int maxRecords = 50;
    if (r.param("MaxRecords") != null) {
      try {
        maxRecords = Integer.parseInt(r.param("MaxRecords"));
      } catch (NumberFormatException e) {
        maxRecords = -1;
      }
      if (maxRecords < 1 || maxRecords > 100) {
        return server.queryError(
            Service.AUTO_SCALING,
            400,
            "Sender",
            "ValidationError",
            "1 validation error detected: Value '"
                + r.param("MaxRecords")
                + "' at 'maxRecords' failed to satisfy constraint: Member must have value less than"
                + " or equal to 100");
      }
    }
    int offset;
    try {
      offset = tokens.offset(r);
    } catch (IllegalArgumentException e) {
      return server.queryError(
          Service.AUTO_SCALING, 400, "Sender", "InvalidNextToken", e.getMessage());
    }
    List<String> names = r.indexed("AutoScalingGroupNames.member.");
    List<Chunk> chunks = new ArrayList<>();
    for (Map.Entry<String, List<Member>> g : groups.entrySet()) {
      if (!names.isEmpty() && !names.contains(g.getKey())) {
        continue;
      }
      List<Member> ms = g.getValue();
      int step = instancesPerPage > 0 ? instancesPerPage : Math.max(1, ms.size());
      if (ms.isEmpty()) {
        chunks.add(new Chunk(g.getKey(), List.of()));
      }
      for (int i = 0; i < ms.size(); i += step) {
        chunks.add(new Chunk(g.getKey(), ms.subList(i, Math.min(ms.size(), i + step))));
      }
    }
    List<Chunk> page = new ArrayList<>();
    int next = offset;
    while (next < chunks.size() && page.size() < maxRecords) {
      String group = chunks.get(next).group();
      if (page.stream().anyMatch(c -> c.group().equals(group))) {
        break; // the next slice of a split group goes on the next page
      }
      page.add(chunks.get(next));
      next++;
    }
    String nextToken = next < chunks.size() ? tokens.issue(r, next) : null;
    return new Reply(200, xml(page, nextToken));
  }

  private String xml(List<Chunk> page, String nextToken) {
    String ns = Service.AUTO_SCALING.namespace;
    StringBuilder b = new StringBuilder();
    b.append("<?xml version=\"1.0\"?>\n<DescribeAutoScalingGroupsResponse xmlns=\"")
        .append(ns)
        .append("\">\n  <DescribeAutoScalingGroupsResult>\n    <AutoScalingGroups>\n");
    for (Chunk c : page) {
      String name = FakeAwsQueryServer.xml(c.group());
      int size = groups.get(c.group()).size();
      b.append("      <member>\n")
          .append("        <AutoScalingGroupName>")
          .append(name)
          .append("</AutoScalingGroupName>\n")
          .append("        <AutoScalingGroupARN>arn:aws:autoscaling:eu-west-1:123456789012:")
          .append("autoScalingGroup:6d4d9a2e-0000-4000-8000-000000000000:autoScalingGroupName/")
          .append(name)
          .append("</AutoScalingGroupARN>\n")
          .append(
              "        <LaunchTemplate><LaunchTemplateId>lt-0123456789abcdef0</LaunchTemplateId>")
          .append("<LaunchTemplateName>muster</LaunchTemplateName><Version>$Latest</Version>")
          .append("</LaunchTemplate>\n")
          .append("        <MinSize>0</MinSize>\n        <MaxSize>")
          .append(Math.max(desired.getOrDefault(c.group(), size), Math.max(size, 1)))
          .append("</MaxSize>\n        <DesiredCapacity>")
          .append(desired.getOrDefault(c.group(), size))
          .append("</DesiredCapacity>\n")
          .append("        <DefaultCooldown>300</DefaultCooldown>\n")
          .append(
              "        <AvailabilityZones><member>eu-west-1a</member><member>eu-west-1b</member>")
          .append("</AvailabilityZones>\n")
          .append("        <LoadBalancerNames/>\n        <TargetGroupARNs/>\n")
          .append("        <HealthCheckType>EC2</HealthCheckType>\n")
          .append("        <HealthCheckGracePeriod>300</HealthCheckGracePeriod>\n")
          .append("        <Instances>\n");
      for (Member m : c.members()) {
        b.append("          <member>\n")
            .append("            <InstanceId>")
            .append(FakeAwsQueryServer.xml(m.instanceId()))
            .append("</InstanceId>\n")
            .append("            <InstanceType>t3.micro</InstanceType>\n")
            .append("            <AvailabilityZone>")
            .append(FakeAwsQueryServer.xml(m.availabilityZone()))
            .append("</AvailabilityZone>\n")
            .append("            <LifecycleState>")
            .append(FakeAwsQueryServer.xml(m.lifecycleState()))
            .append("</LifecycleState>\n")
            .append("            <HealthStatus>Healthy</HealthStatus>\n")
            .append(
                "            <LaunchTemplate><LaunchTemplateId>lt-0123456789abcdef0</LaunchTemplateId>")
            .append(
                "<LaunchTemplateName>muster</LaunchTemplateName><Version>1</Version></LaunchTemplate>\n")
            .append("            <ProtectedFromScaleIn>false</ProtectedFromScaleIn>\n")
            .append("          </member>\n");
      }
      b.append("        </Instances>\n")
          .append("        <CreatedTime>2025-01-01T00:00:00.000Z</CreatedTime>\n")
          .append("        <SuspendedProcesses/>\n")
          .append(
              "        <VPCZoneIdentifier>subnet-0a1b2c3d4e5f60718,subnet-0b1b2c3d4e5f60718</VPCZoneIdentifier>\n")
          .append("        <EnabledMetrics/>\n        <Tags/>\n")
          .append("        <TerminationPolicies><member>Default</member></TerminationPolicies>\n")
          .append(
              "        <NewInstancesProtectedFromScaleIn>false</NewInstancesProtectedFromScaleIn>\n")
          .append("        <ServiceLinkedRoleARN>arn:aws:iam::123456789012:role/aws-service-role/")
          .append("autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling</ServiceLinkedRoleARN>\n")
          .append("        <CapacityRebalance>false</CapacityRebalance>\n")
          .append("      </member>\n");
    }
    b.append("    </AutoScalingGroups>\n");
    if (nextToken != null) {
      b.append("    <NextToken>").append(nextToken).append("</NextToken>\n");
    }
    b.append("  </DescribeAutoScalingGroupsResult>\n  <ResponseMetadata><RequestId>")
        .append(server.requestId())
        .append("</RequestId></ResponseMetadata>\n</DescribeAutoScalingGroupsResponse>\n");
    return b.toString();
  }
}
