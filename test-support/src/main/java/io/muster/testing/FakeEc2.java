package io.muster.testing;

import io.muster.testing.FakeAwsQueryServer.Reply;
import io.muster.testing.FakeAwsQueryServer.Request;
import io.muster.testing.FakeAwsQueryServer.Service;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * EC2's DescribeInstances on a {@link FakeAwsQueryServer}, answering the real XML shape ({@code
 * DescribeInstancesResponse/reservationSet/item/instancesSet/item}, {@code nextToken}).
 *
 * <p>Behaves like EC2 where a client can get it wrong: {@code InstanceId.N} and {@code MaxResults}
 * together are refused (InvalidParameterCombination); MaxResults must be 5..1000; an unknown filter
 * name is refused; an id EC2 does not know fails the whole request with InvalidInstanceID.NotFound
 * naming it; a NextToken is only accepted with the parameters it was issued for. Filters: {@code
 * tag:KEY} (with * and ? wildcards, backslash escapes), {@code tag-key}, {@code
 * instance-state-name}, {@code vpc-id}, {@code subnet-id}, {@code instance-id}, {@code
 * availability-zone}, {@code private-ip-address}.
 *
 * <p>{@link #pageSize(int)} caps every page, also of id queries (where real EC2 returns everything
 * at once), so tests can prove tokens are followed on every kind of call.
 */
public final class FakeEc2 {
  public static final String ACTION = "DescribeInstances";

  /** One instance. Build with {@link #running} and the withers. */
  public record Instance(
      String id,
      String state,
      String privateIp,
      String ipv6,
      String privateDnsName,
      String availabilityZone,
      Instant launchTime,
      Map<String, String> tags,
      String vpcId,
      String subnetId,
      String reservationId) {

    public Instance {
      tags = Map.copyOf(tags);
    }

    /** A running instance with EC2-style defaults derived from its address. */
    public static Instance running(String id, String privateIp) {
      return new Instance(
          id,
          "running",
          privateIp,
          null,
          privateIp == null
              ? ""
              : "ip-" + privateIp.replace('.', '-') + ".eu-west-1.compute.internal",
          "eu-west-1a",
          Instant.parse("2025-01-02T03:04:05Z"),
          Map.of(),
          "vpc-0a1b2c3d4e5f60718",
          "subnet-0a1b2c3d4e5f60718",
          "r-" + id.substring(2));
    }

    public Instance withState(String s) {
      return new Instance(
          id,
          s,
          privateIp,
          ipv6,
          privateDnsName,
          availabilityZone,
          launchTime,
          tags,
          vpcId,
          subnetId,
          reservationId);
    }

    public Instance withPrivateIp(String ip, String dnsName) {
      return new Instance(
          id,
          state,
          ip,
          ipv6,
          dnsName,
          availabilityZone,
          launchTime,
          tags,
          vpcId,
          subnetId,
          reservationId);
    }

    public Instance withIpv6(String v6) {
      return new Instance(
          id,
          state,
          privateIp,
          v6,
          privateDnsName,
          availabilityZone,
          launchTime,
          tags,
          vpcId,
          subnetId,
          reservationId);
    }

    public Instance withAvailabilityZone(String az) {
      return new Instance(
          id,
          state,
          privateIp,
          ipv6,
          privateDnsName,
          az,
          launchTime,
          tags,
          vpcId,
          subnetId,
          reservationId);
    }

    public Instance withLaunchTime(Instant t) {
      return new Instance(
          id,
          state,
          privateIp,
          ipv6,
          privateDnsName,
          availabilityZone,
          t,
          tags,
          vpcId,
          subnetId,
          reservationId);
    }

    public Instance withTags(Map<String, String> t) {
      return new Instance(
          id,
          state,
          privateIp,
          ipv6,
          privateDnsName,
          availabilityZone,
          launchTime,
          t,
          vpcId,
          subnetId,
          reservationId);
    }

    public Instance withNetwork(String vpc, String subnet) {
      return new Instance(
          id,
          state,
          privateIp,
          ipv6,
          privateDnsName,
          availabilityZone,
          launchTime,
          tags,
          vpc,
          subnet,
          reservationId);
    }

    /** Instances launched by one RunInstances call share a reservation. */
    public Instance withReservation(String r) {
      return new Instance(
          id,
          state,
          privateIp,
          ipv6,
          privateDnsName,
          availabilityZone,
          launchTime,
          tags,
          vpcId,
          subnetId,
          r);
    }
  }

  private static final Set<String> FILTERS =
      Set.of(
          "tag-key",
          "instance-state-name",
          "vpc-id",
          "subnet-id",
          "instance-id",
          "availability-zone",
          "private-ip-address");

  private final FakeAwsQueryServer server;
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Set<String> unknownToEc2 = ConcurrentHashMap.newKeySet();
  private final PageTokens tokens = new PageTokens();
  private volatile int pageSize = Integer.MAX_VALUE;
  private volatile String deniedCode;

  /** Registers DescribeInstances on {@code server}. */
  public FakeEc2(FakeAwsQueryServer server) {
    this.server = server;
    server.on(Service.EC2, ACTION, this::describeInstances);
  }

  public FakeEc2 add(Instance i) {
    if (instances.put(i.id(), i) == null) {
      order.add(i.id());
    }
    return this;
  }

  public FakeEc2 addAll(Collection<Instance> all) {
    all.forEach(this::add);
    return this;
  }

  /** At most this many instances per page (whole reservations, at least one per page). */
  public FakeEc2 pageSize(int n) {
    this.pageSize = n;
    return this;
  }

  /**
   * Makes EC2 not know this id yet (eventual consistency just after launch): asking for it by id
   * fails with InvalidInstanceID.NotFound.
   */
  public FakeEc2 unknown(String id) {
    unknownToEc2.add(id);
    return this;
  }

  /** Answers every call with 403 UnauthorizedOperation, as EC2 does without the IAM permission. */
  public FakeEc2 deny() {
    this.deniedCode = "UnauthorizedOperation";
    return this;
  }

  private Reply describeInstances(Request r) {
    if (deniedCode != null) {
      return server.ec2Error(403, deniedCode, "You are not authorized to perform this operation.");
    }
    List<String> ids = r.indexed("InstanceId.");
    String maxResults = r.param("MaxResults");
    if (!ids.isEmpty() && maxResults != null) {
      return server.ec2Error(
          400,
          "InvalidParameterCombination",
          "The parameter instancesSet cannot be used with the parameter maxResults");
    }
    int limit = pageSize;
    if (maxResults != null) {
      int m;
      try {
        m = Integer.parseInt(maxResults);
      } catch (NumberFormatException e) {
        m = -1;
      }
      if (m < 5 || m > 1000) {
        return server.ec2Error(
            400,
            "InvalidParameterValue",
            "Value ( "
                + maxResults
                + " ) for parameter maxResults is invalid. Expecting a value"
                + " between 5 and 1000.");
      }
      limit = Math.min(limit, m);
    }
    Map<String, List<String>> filters = r.filters();
    for (String name : filters.keySet()) {
      if (!name.startsWith("tag:") && !FILTERS.contains(name)) {
        return server.ec2Error(
            400, "InvalidParameterValue", "The filter '" + name + "' is invalid");
      }
    }
    int offset;
    try {
      offset = tokens.offset(r);
    } catch (IllegalArgumentException e) {
      return server.ec2Error(
          400, "InvalidParameterValue", "Invalid value for NextToken: " + e.getMessage());
    }

    List<Instance> selected = new ArrayList<>();
    if (!ids.isEmpty()) {
      Set<String> missing = new LinkedHashSet<>();
      for (String id : ids) {
        Instance i = instances.get(id);
        if (i == null || unknownToEc2.contains(id)) {
          missing.add(id);
        } else {
          selected.add(i);
        }
      }
      if (!missing.isEmpty()) {
        String message =
            missing.size() == 1
                ? "The instance ID '" + missing.iterator().next() + "' does not exist"
                : "The instance IDs '" + String.join(", ", missing) + "' do not exist";
        return server.ec2Error(400, "InvalidInstanceID.NotFound", message);
      }
    } else {
      order.forEach(id -> selected.add(instances.get(id)));
    }
    selected.removeIf(i -> !matches(i, filters));

    // Group into reservations in first-seen order, then cut pages of whole reservations.
    Map<String, List<Instance>> reservations = new LinkedHashMap<>();
    for (Instance i : selected) {
      reservations.computeIfAbsent(i.reservationId(), k -> new ArrayList<>()).add(i);
    }
    List<List<Instance>> all = new ArrayList<>(reservations.values());
    List<List<Instance>> page = new ArrayList<>();
    int count = 0;
    int next = offset;
    while (next < all.size() && (page.isEmpty() || count + all.get(next).size() <= limit)) {
      page.add(all.get(next));
      count += all.get(next).size();
      next++;
    }
    String nextToken = next < all.size() ? tokens.issue(r, next) : null;
    return new Reply(200, xml(page, nextToken));
  }

  private static boolean matches(Instance i, Map<String, List<String>> filters) {
    for (Map.Entry<String, List<String>> f : filters.entrySet()) {
      String name = f.getKey();
      List<String> values = f.getValue();
      boolean ok;
      if (name.startsWith("tag:")) {
        String v = i.tags().get(name.substring(4));
        ok = v != null && values.stream().anyMatch(p -> wildcard(p).matcher(v).matches());
      } else {
        String actual =
            switch (name) {
              case "tag-key" ->
                  values.stream().filter(i.tags()::containsKey).findFirst().orElse(null);
              case "instance-state-name" -> i.state();
              case "vpc-id" -> i.vpcId();
              case "subnet-id" -> i.subnetId();
              case "instance-id" -> i.id();
              case "availability-zone" -> i.availabilityZone();
              case "private-ip-address" -> i.privateIp();
              default -> null;
            };
        ok = actual != null && values.stream().anyMatch(p -> wildcard(p).matcher(actual).matches());
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * EC2 filter values: * any run of characters, ? one character, a backslash makes the next
   * character literal (so a backslash-star is a star), everything else literal.
   */
  private static Pattern wildcard(String value) {
    StringBuilder re = new StringBuilder();
    char[] chars = value.toCharArray();
    for (int k = 0; k < chars.length; k++) {
      char c = chars[k];
      if (c == '\\' && k + 1 < chars.length) {
        re.append(Pattern.quote(String.valueOf(chars[++k])));
        continue;
      }
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  private String xml(List<List<Instance>> reservations, String nextToken) {
    StringBuilder b = new StringBuilder();
    b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<DescribeInstancesResponse xmlns=\"")
        .append(Service.EC2.namespace)
        .append("\">\n  <requestId>")
        .append(server.requestId())
        .append("</requestId>\n  <reservationSet>\n");
    for (List<Instance> res : reservations) {
      b.append("    <item>\n      <reservationId>")
          .append(FakeAwsQueryServer.xml(res.get(0).reservationId()))
          .append("</reservationId>\n      <ownerId>123456789012</ownerId>\n")
          .append("      <groupSet/>\n      <instancesSet>\n");
      for (Instance i : res) {
        instanceXml(b, i);
      }
      b.append("      </instancesSet>\n    </item>\n");
    }
    b.append("  </reservationSet>\n");
    if (nextToken != null) {
      b.append("  <nextToken>").append(nextToken).append("</nextToken>\n");
    }
    return b.append("</DescribeInstancesResponse>\n").toString();
  }

  private static void instanceXml(StringBuilder b, Instance i) {
    String e = "        ";
    b.append(e).append("<item>\n");
    el(b, "instanceId", i.id());
    el(b, "imageId", "ami-0123456789abcdef0");
    b.append(e)
        .append("  <instanceState><code>")
        .append(stateCode(i.state()))
        .append("</code><name>")
        .append(FakeAwsQueryServer.xml(i.state()))
        .append("</name></instanceState>\n");
    el(b, "privateDnsName", i.privateDnsName() == null ? "" : i.privateDnsName());
    el(b, "dnsName", "");
    el(b, "reason", "");
    el(b, "amiLaunchIndex", "0");
    el(b, "instanceType", "t3.micro");
    if (i.launchTime() != null) {
      el(
          b,
          "launchTime",
          DateTimeFormatter.ISO_INSTANT.format(i.launchTime().truncatedTo(ChronoUnit.MILLIS)));
    }
    b.append(e)
        .append("  <placement><availabilityZone>")
        .append(FakeAwsQueryServer.xml(i.availabilityZone()))
        .append("</availabilityZone><groupName/><tenancy>default</tenancy></placement>\n");
    b.append(e).append("  <monitoring><state>disabled</state></monitoring>\n");
    el(b, "subnetId", i.subnetId());
    el(b, "vpcId", i.vpcId());
    if (i.privateIp() != null) {
      el(b, "privateIpAddress", i.privateIp());
    }
    if (i.ipv6() != null) {
      el(b, "ipv6Address", i.ipv6());
    }
    el(b, "architecture", "x86_64");
    el(b, "rootDeviceType", "ebs");
    if (!i.tags().isEmpty()) {
      b.append(e).append("  <tagSet>\n");
      i.tags()
          .forEach(
              (k, v) ->
                  b.append(e)
                      .append("    <item><key>")
                      .append(FakeAwsQueryServer.xml(k))
                      .append("</key><value>")
                      .append(FakeAwsQueryServer.xml(v))
                      .append("</value></item>\n"));
      b.append(e).append("  </tagSet>\n");
    }
    if (i.privateIp() != null || i.ipv6() != null) {
      b.append(e).append("  <networkInterfaceSet><item>");
      b.append("<networkInterfaceId>eni-")
          .append(i.id().substring(2))
          .append("</networkInterfaceId>");
      b.append("<subnetId>").append(FakeAwsQueryServer.xml(i.subnetId())).append("</subnetId>");
      b.append("<vpcId>").append(FakeAwsQueryServer.xml(i.vpcId())).append("</vpcId>");
      b.append("<status>in-use</status>");
      if (i.privateIp() != null) {
        b.append("<privateIpAddress>").append(i.privateIp()).append("</privateIpAddress>");
      }
      b.append("<attachment><attachmentId>eni-attach-")
          .append(i.id().substring(2))
          .append(
              "</attachmentId><deviceIndex>0</deviceIndex><status>attached</status></attachment>");
      if (i.ipv6() != null) {
        b.append("<ipv6AddressesSet><item><ipv6Address>")
            .append(i.ipv6())
            .append("</ipv6Address><isPrimaryIpv6>true</isPrimaryIpv6></item></ipv6AddressesSet>");
      }
      b.append("</item></networkInterfaceSet>\n");
    }
    b.append(e).append("</item>\n");
  }

  private static void el(StringBuilder b, String name, String value) {
    b.append("          <")
        .append(name)
        .append('>')
        .append(FakeAwsQueryServer.xml(value))
        .append("</")
        .append(name)
        .append(">\n");
  }

  private static int stateCode(String state) {
    return switch (state) {
      case "pending" -> 0;
      case "running" -> 16;
      case "shutting-down" -> 32;
      case "terminated" -> 48;
      case "stopping" -> 64;
      case "stopped" -> 80;
      default -> 16;
    };
  }
}
