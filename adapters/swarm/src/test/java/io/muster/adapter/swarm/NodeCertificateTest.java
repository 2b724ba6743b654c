package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NodeCertificateTest {

  @Test
  void readsTheClusterIdFromTheSubjectOrganization() throws Exception {
    // Same subject layout as a swarm node certificate: O=<cluster id>, OU=<role>, CN=<node id>.
    try (InputStream in = getClass().getResourceAsStream("swarm-node.crt")) {
      assertThat(NodeCertificate.organization(in)).contains("j09b6hytc5712nr8cit7zyrwo");
    }
  }

  @Test
  void garbageGivesNothing() {
    assertThat(
            NodeCertificate.organization(
                new ByteArrayInputStream("not a cert".getBytes(StandardCharsets.US_ASCII))))
        .isEmpty();
    assertThat(NodeCertificate.FILE.clusterId("")).isEmpty();
  }
}
