package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.cli.MainTest.Run;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue "Fail before acting" §7. */
class SmallPromisesTest {
  @TempDir Path dir;

  @Test
  void dryRunOnAMemberSaysItIsAlreadyOneInsteadOfPlanningAJoin() {
    Map<String, String> env = new HashMap<>();
    env.put("MUSTER_CLUSTER_NAME", "small");
    env.put("MUSTER_DISCOVERY_PROVIDER", "static");
    env.put("MUSTER_DISCOVERY_STATIC_PEERS", "n1=127.0.0.1");
    env.put("MUSTER_NODE_ADDRESS", "127.0.0.1");
    env.put("MUSTER_NODE_INSTANCE_ID", "n1");
    env.put("MUSTER_STORE_PROVIDER", "file");
    env.put("MUSTER_STORE_FILE_DIR", dir.resolve("store").toString());
    env.put("MUSTER_STATE_DIR", dir.resolve("state").toString());
    env.put("MUSTER_ELECTION_STABLE_FOR", "0s");
    env.put("MUSTER_ADAPTER_EXEC_FORM", "/bin/true");
    env.put("MUSTER_ADAPTER_EXEC_JOIN", "/bin/true");
    env.put("MUSTER_JOIN_TIMEOUT", "20s");
    Run joined = MainTest.run(env, "join");
    assertThat(joined.code()).as(joined.err()).isZero();

    Run r = MainTest.run(env, "join", "--dry-run");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("already a member of generation 1")
        .contains("change nothing")
        .doesNotContain("run `/bin/true`");
  }

  @Test
  void configCheckContactsNoInstanceMetadataWhenNothingItChecksNeedsIt() throws Exception {
    java.util.concurrent.atomic.AtomicInteger hits =
        new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer imds =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    imds.createContext(
        "/",
        ex -> {
          hits.incrementAndGet();
          ex.sendResponseHeaders(500, -1);
          ex.close();
        });
    imds.start();
    try {
      Map<String, String> env = new HashMap<>();
      env.put("MUSTER_NODE_IMDS_ENDPOINT", "http://127.0.0.1:" + imds.getAddress().getPort());
      env.put("MUSTER_CLUSTER_NAME", "small");
      env.put("MUSTER_DISCOVERY_PROVIDER", "static");
      env.put("MUSTER_DISCOVERY_STATIC_PEERS", "n1=10.0.0.1");
      env.put("MUSTER_STORE_PROVIDER", "file");
      env.put("MUSTER_STORE_FILE_DIR", dir.resolve("store").toString());
      env.put("MUSTER_STATE_DIR", dir.resolve("state").toString());
      env.put("MUSTER_ADAPTER_EXEC_FORM", "/bin/true");
      env.put("MUSTER_ADAPTER_EXEC_JOIN", "/bin/true");

      Run r = MainTest.run(env, "config", "check");

      assertThat(r.code()).as(r.err()).isZero();
      assertThat(hits.get()).as("requests to instance metadata").isZero();
    } finally {
      imds.stop(0);
    }
  }

  @Test
  void iamPolicyForAnAwsStoreWithoutAClusterNameIsRefusedNotAWildcard() {
    Run r =
        MainTest.run(
            "iam-policy", "--discovery", "asg", "--asg", "web", "--node-address", "10.0.0.1");
    assertThat(r.code()).as(r.out()).isEqualTo(2);
    assertThat(r.err()).contains("cluster.name is required");
    assertThat(r.out()).doesNotContain("/*\"");
  }

  @Test
  void iamPolicyForAConfigurationThatMakesNoAwsCallSaysSo() {
    Run r = MainTest.run("iam-policy", "-c", MainTest.EXAMPLE);
    assertThat(r.code()).isZero();
    assertThat(r.err()).contains("needs no IAM policy");
  }
}
