package io.muster.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the Kubernetes example promises, read from its manifest (no API server here): a headless
 * Service that publishes not-ready pods with a named port, a StatefulSet that starts its pods in
 * parallel under that Service, and muster's SRV name built from exactly those names, so the pods'
 * own DNS names work without CoreDNS rewrite rules.
 */
class KubernetesManifestTest {
  static final List<JsonNode> DOCS =
      Examples.yamlDocuments(Examples.ROOT.resolve("kubernetes-ejabberd/ejabberd.yaml"));

  static JsonNode find(String kind, String name) {
    return DOCS.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .filter(d -> d.at("/metadata/name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in ejabberd.yaml"));
  }

  @Test
  void theStatefulSetsHeadlessServicePublishesNotReadyPodsAndMusterReadsItsSrvRecords()
      throws Exception {
    JsonNode set = find("StatefulSet", "ejabberd");
    String serviceName = set.at("/spec/serviceName").asText();
    JsonNode service = find("Service", serviceName);
    String namespace = service.at("/metadata/namespace").asText();

    assertThat(service.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(service.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
    assertThat(set.at("/spec/podManagementPolicy").asText()).isEqualTo("Parallel");
    assertThat(service.at("/spec/selector")).isEqualTo(set.at("/spec/template/metadata/labels"));

    String port = service.at("/spec/ports/0/name").asText();
    JsonNode config =
        Examples.YAML.readTree(Examples.ROOT.resolve("kubernetes-ejabberd/muster.yaml").toFile());
    assertThat(config.at("/discovery/provider").asText()).isEqualTo("dns");
    assertThat(config.at("/discovery/dns/type").asText()).isEqualTo("srv");
    assertThat(config.at("/discovery/dns/name").asText())
        .isEqualTo("_" + port + "._tcp." + serviceName + "." + namespace + ".svc.cluster.local");
    assertThat(config.at("/election/min-peers").asInt())
        .isEqualTo(set.at("/spec/replicas").asInt());
  }

  @Test
  void thePodGivesMusterItsIdentityAndKeepsItsStateOnTheVolume() {
    JsonNode container = find("StatefulSet", "ejabberd").at("/spec/template/spec/containers/0");
    List<String> env = container.path("env").findValuesAsText("name");
    assertThat(env)
        .contains(
            "MUSTER_NODE_INSTANCE_ID",
            "MUSTER_NODE_ADDRESS",
            "MUSTER_NODE_HOSTNAME",
            "MUSTER_NODE_REGION",
            "AWS_EC2_METADATA_DISABLED");
    assertThat(container.path("volumeMounts").findValuesAsText("mountPath"))
        .contains("/var/lib/muster", "/var/lib/ejabberd", "/etc/muster");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
  }
}
