package io.muster.aws.discovery.ec2;

import io.muster.aws.AwsClients;
import io.muster.aws.AwsErrors;
import io.muster.aws.AwsService;
import io.muster.discovery.DiscoveryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceIpv6Address;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.Tag;

/** {@link Ec2Api} on the AWS SDK client from {@link AwsClients}. */
public final class SdkEc2Api implements Ec2Api {
  private static final Logger LOG = LoggerFactory.getLogger(SdkEc2Api.class);

  /** DescribeInstances accepts more, but 100 ids keep each request (and its URL) small. */
  static final int MAX_IDS_PER_REQUEST = 100;

  /** The API's upper bound for MaxResults; not allowed together with instance ids. */
  static final int MAX_RESULTS = 1000;

  private static final String NOT_FOUND = "InvalidInstanceID.NotFound";
  private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-zA-Z]+");

  private final Supplier<AwsClients> aws;

  /** Clients are obtained on the first call, so building discovery never touches AWS. */
  public SdkEc2Api(Supplier<AwsClients> aws) {
    this.aws = aws;
  }

  @Override
  public String where() {
    return aws.get().where(AwsService.EC2);
  }

  @Override
  public List<Ec2Instance> instancesById(List<String> ids) throws DiscoveryException {
    List<String> unique = List.copyOf(new LinkedHashSet<>(ids));
    List<Ec2Instance> out = new ArrayList<>();
    for (int from = 0; from < unique.size(); from += MAX_IDS_PER_REQUEST) {
      int to = Math.min(unique.size(), from + MAX_IDS_PER_REQUEST);
      out.addAll(describeBatch(unique.subList(from, to)));
    }
    return out;
  }

  @Override
  public List<Ec2Instance> instances(Map<String, List<String>> filters) throws DiscoveryException {
    List<Filter> sdkFilters = new ArrayList<>();
    filters.forEach(
        (name, values) -> sdkFilters.add(Filter.builder().name(name).values(values).build()));
    try {
      return pages(DescribeInstancesRequest.builder().filters(sdkFilters).maxResults(MAX_RESULTS));
    } catch (NotFound e) {
      // Only possible if a filter names instance ids; nothing to drop then.
      throw new DiscoveryException(
          AwsErrors.explain(DESCRIBE_INSTANCES, e.getCause()), e.getCause());
    }
  }

  /**
   * One batch of ids. Right after launch an id the Auto Scaling group already lists may be unknown
   * to EC2, and then the whole request fails with InvalidInstanceID.NotFound naming the unknown
   * ids: drop those (they are not peers yet) and ask again for the rest.
   */
  private List<Ec2Instance> describeBatch(List<String> batch) throws DiscoveryException {
    List<String> remaining = new ArrayList<>(batch);
    while (!remaining.isEmpty()) {
      try {
        return pages(DescribeInstancesRequest.builder().instanceIds(remaining));
      } catch (NotFound e) {
        Set<String> missing = missingIds(e.getCause().getMessage());
        if (!remaining.removeAll(missing)) {
          throw new DiscoveryException(
              AwsErrors.explain(DESCRIBE_INSTANCES, e.getCause()), e.getCause());
        }
        LOG.debug("left out {}: not known to EC2 yet", missing);
      }
    }
    return List.of();
  }

  private List<Ec2Instance> pages(DescribeInstancesRequest.Builder request)
      throws DiscoveryException, NotFound {
    List<Ec2Instance> out = new ArrayList<>();
    Set<String> tokens = new HashSet<>();
    String token = null;
    do {
      DescribeInstancesResponse page;
      try {
        page = aws.get().ec2().describeInstances(request.nextToken(token).build());
      } catch (AwsServiceException e) {
        if (e.awsErrorDetails() != null && NOT_FOUND.equals(e.awsErrorDetails().errorCode())) {
          throw new NotFound(e);
        }
        throw new DiscoveryException(
            AwsErrors.explain(DESCRIBE_INSTANCES, e), e, AwsErrors.isPermanent(e));
      } catch (RuntimeException e) {
        throw new DiscoveryException(
            AwsErrors.explain(DESCRIBE_INSTANCES, e), e, AwsErrors.isPermanent(e));
      }
      for (Reservation r : page.reservations()) {
        for (Instance i : r.instances()) {
          out.add(convert(i));
        }
      }
      token = page.nextToken() == null || page.nextToken().isEmpty() ? null : page.nextToken();
      if (token != null && !tokens.add(token)) {
        // A well-behaved endpoint never repeats a token; following it would loop forever.
        throw new DiscoveryException(
            DESCRIBE_INSTANCES
                + " returned the same NextToken twice at "
                + where()
                + "; check "
                + AwsService.EC2.endpointUrl().name()
                + " (or aws.endpoint-url) points at EC2");
      }
    } while (token != null);
    return out;
  }

  /** "The instance IDs 'i-1, i-2' do not exist" -> {i-1, i-2}. */
  static Set<String> missingIds(String message) {
    Set<String> ids = new LinkedHashSet<>();
    if (message != null) {
      Matcher m = INSTANCE_ID.matcher(message);
      while (m.find()) {
        ids.add(m.group());
      }
    }
    return ids;
  }

  static Ec2Instance convert(Instance i) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Tag t : i.tags()) {
      if (t.key() != null) {
        tags.put(t.key(), t.value() == null ? "" : t.value());
      }
    }
    return new Ec2Instance(
        i.instanceId(),
        i.state() == null ? null : i.state().nameAsString(),
        i.privateIpAddress(),
        ipv6(i),
        i.privateDnsName(),
        i.placement() == null ? null : i.placement().availabilityZone(),
        i.launchTime(),
        tags);
  }

  /** The instance's IPv6 address, else the first one on its primary network interface. */
  private static String ipv6(Instance i) {
    if (i.ipv6Address() != null && !i.ipv6Address().isBlank()) {
      return i.ipv6Address();
    }
    return i.networkInterfaces().stream()
        .sorted(
            Comparator.comparing(
                (InstanceNetworkInterface n) ->
                    n.attachment() == null || n.attachment().deviceIndex() == null
                        ? Integer.MAX_VALUE
                        : n.attachment().deviceIndex()))
        .flatMap(n -> n.ipv6Addresses().stream())
        .map(InstanceIpv6Address::ipv6Address)
        .filter(a -> a != null && !a.isBlank())
        .findFirst()
        .orElse(null);
  }

  /** Internal signal: the request named ids EC2 does not know. */
  private static final class NotFound extends Exception {
    private static final long serialVersionUID = 1L;

    NotFound(AwsServiceException cause) {
      super(cause);
    }

    @Override
    public synchronized AwsServiceException getCause() {
      return (AwsServiceException) super.getCause();
    }
  }
}
