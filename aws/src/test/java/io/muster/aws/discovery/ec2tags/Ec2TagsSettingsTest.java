package io.muster.aws.discovery.ec2tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.ConfigException;
import io.muster.config.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Ec2TagsSettingsTest {
  private static final Settings TAGGED =
      Settings.empty().with(Ec2TagsDiscoveryProvider.TAGS, "cluster=web", "env=prod");

  @Test
  void filtersAreOneTagFilterPerTagThenRunningThenVpcAndSubnets() {
    Ec2TagsSettings s =
        Ec2TagsSettings.from(
            TAGGED
                .with(Ec2TagsDiscoveryProvider.VPC_ID, "vpc-0123456789abcdef0")
                .with(Ec2TagsDiscoveryProvider.SUBNET_IDS, "subnet-0aaaaaaa", "subnet-0bbbbbbb"));

    assertThat(s.filters())
        .containsExactly(
            Map.entry("tag:cluster", List.of("web")),
            Map.entry("tag:env", List.of("prod")),
            Map.entry("instance-state-name", List.of("running")),
            Map.entry("vpc-id", List.of("vpc-0123456789abcdef0")),
            Map.entry("subnet-id", List.of("subnet-0aaaaaaa", "subnet-0bbbbbbb")));
  }

  @Test
  void withoutVpcAndSubnetsOnlyTagsAndState() {
    assertThat(Ec2TagsSettings.from(TAGGED).filters())
        .containsExactly(
            Map.entry("tag:cluster", List.of("web")),
            Map.entry("tag:env", List.of("prod")),
            Map.entry("instance-state-name", List.of("running")));
  }

  @Test
  void tagsAreRequired() {
    assertThatThrownBy(() -> Ec2TagsSettings.from(Settings.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("discovery.ec2-tags.tags is required")
        .hasMessageContaining("--tag")
        .hasMessageContaining("MUSTER_DISCOVERY_EC2_TAGS_TAGS");
  }

  @Test
  void emptyTagValueSuggestsTheWildcard() {
    assertThatThrownBy(
            () ->
                Ec2TagsSettings.from(Settings.empty().with(Ec2TagsDiscoveryProvider.TAGS, "role=")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "discovery.ec2-tags.tags='role=' (from override): empty tag value. Give the value the"
                + " peers carry; to accept any value write role=*");
  }

  @Test
  void itemWithoutEqualsIsRejected() {
    assertThatThrownBy(
            () -> Ec2TagsSettings.from(Settings.empty().with(Ec2TagsDiscoveryProvider.TAGS, "web")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("discovery.ec2-tags.tags='web'")
        .hasMessageContaining("KEY=VALUE");
  }

  @Test
  void badVpcAndSubnetIdsNameKeyValueAndSource() {
    assertThatThrownBy(
            () -> Ec2TagsSettings.from(TAGGED.with(Ec2TagsDiscoveryProvider.VPC_ID, "web-vpc")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "discovery.ec2-tags.vpc-id='web-vpc' (from override): not a VPC id. Write it like"
                + " vpc-0123456789abcdef0, or leave it unset");
    assertThatThrownBy(
            () ->
                Ec2TagsSettings.from(
                    TAGGED.with(Ec2TagsDiscoveryProvider.SUBNET_IDS, "subnet-0aaaaaaa,subnet-x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "discovery.ec2-tags.subnet-ids='subnet-x' (from override): not a subnet id");
  }

  @Test
  void describeFiltersReadsAsASentence() {
    assertThat(
            Ec2TagsSettings.from(
                    TAGGED.with(Ec2TagsDiscoveryProvider.VPC_ID, "vpc-0123456789abcdef0"))
                .describeFilters())
        .isEqualTo(
            "running instances with tag cluster=web and tag env=prod in vpc-0123456789abcdef0");
  }
}
