package io.muster.aws.discovery.ec2tags;

import static io.muster.aws.discovery.ec2tags.Ec2TagsDiscoveryProvider.SUBNET_IDS;
import static io.muster.aws.discovery.ec2tags.Ec2TagsDiscoveryProvider.TAGS;
import static io.muster.aws.discovery.ec2tags.Ec2TagsDiscoveryProvider.VPC_ID;

import io.muster.aws.discovery.ec2.InvalidSetting;
import io.muster.config.ConfigException;
import io.muster.config.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validated settings of the ec2-tags provider.
 *
 * @param tags tags every peer carries (all must match; EC2 filter wildcards * and ? allowed)
 * @param vpcId only instances in this VPC, or null
 * @param subnetIds only instances in one of these subnets; empty for any
 */
public record Ec2TagsSettings(Map<String, String> tags, String vpcId, List<String> subnetIds) {
  private static final Pattern VPC = Pattern.compile("vpc-[0-9a-f]{8,17}");
  private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");

  public Ec2TagsSettings {
    if (tags == null || tags.isEmpty()) {
      throw new InvalidSetting(
          TAGS,
          "",
          "no tags given",
          "Give at least one KEY=VALUE that every peer carries, e.g. --tag cluster=web");
    }
    for (Map.Entry<String, String> t : tags.entrySet()) {
      String item = t.getKey() + "=" + t.getValue();
      if (t.getKey() == null || t.getKey().isBlank() || t.getKey().length() > 128) {
        throw new InvalidSetting(
            TAGS, item, "tag key empty or over 128 characters", "Write each tag as KEY=VALUE");
      }
      if (t.getValue() == null || t.getValue().isEmpty()) {
        throw new InvalidSetting(
            TAGS,
            item,
            "empty tag value",
            "Give the value the peers carry; to accept any value write " + t.getKey() + "=*");
      }
      if (t.getValue().length() > 256) {
        throw new InvalidSetting(
            TAGS, item, "tag value over 256 characters", "EC2 tag values have at most 256");
      }
    }
    tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    if (vpcId != null && !VPC.matcher(vpcId).matches()) {
      throw new InvalidSetting(
          VPC_ID, vpcId, "not a VPC id", "Write it like vpc-0123456789abcdef0, or leave it unset");
    }
    subnetIds = subnetIds == null ? List.of() : List.copyOf(subnetIds);
    for (String s : subnetIds) {
      if (!SUBNET.matcher(s).matches()) {
        throw new InvalidSetting(
            SUBNET_IDS,
            s,
            "not a subnet id",
            "Write each like subnet-0123456789abcdef0, or leave the list unset");
      }
    }
  }

  /** Reads and validates the keys; errors name the key, the value, its source and the fix. */
  public static Ec2TagsSettings from(Settings settings) {
    Map<String, String> tags = settings.map(TAGS);
    if (tags.isEmpty()) {
      throw ConfigException.missing(
          TAGS, "ec2-tags discovery needs at least one KEY=VALUE tag that every peer carries");
    }
    try {
      return new Ec2TagsSettings(
          tags, settings.optionalString(VPC_ID).orElse(null), settings.list(SUBNET_IDS));
    } catch (InvalidSetting e) {
      throw e.toConfigException(settings.source(e.key()));
    }
  }

  /**
   * The DescribeInstances filters: one {@code tag:KEY} per tag, {@code
   * instance-state-name=running}, then {@code vpc-id} and {@code subnet-id} when set.
   */
  public Map<String, List<String>> filters() {
    Map<String, List<String>> f = new LinkedHashMap<>();
    tags.forEach((k, v) -> f.put("tag:" + k, List.of(v)));
    f.put("instance-state-name", List.of("running"));
    if (vpcId != null) {
      f.put("vpc-id", List.of(vpcId));
    }
    if (!subnetIds.isEmpty()) {
      f.put("subnet-id", subnetIds);
    }
    return Collections.unmodifiableMap(f);
  }

  /** "running instances with tag cluster=web and tag env=prod in vpc-1 in subnet-a or subnet-b". */
  public String describeFilters() {
    List<String> tagText = new ArrayList<>();
    tags.forEach((k, v) -> tagText.add("tag " + k + "=" + v));
    return "running instances with "
        + String.join(" and ", tagText)
        + (vpcId == null ? "" : " in " + vpcId)
        + (subnetIds.isEmpty() ? "" : " in " + String.join(" or ", subnetIds));
  }
}
