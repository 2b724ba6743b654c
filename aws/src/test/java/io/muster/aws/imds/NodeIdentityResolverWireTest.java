package io.muster.aws.imds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.aws.AwsKeys;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import io.muster.node.NodeIdentityResolver;
import io.muster.testing.FakeImds;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The production resolver (NodeIdentityResolver with {@link ImdsClient#fromSettings}) against a
 * loopback IMDS, a closed port and a port that accepts but never answers.
 */
class NodeIdentityResolverWireTest {
  /** The bound is 2 s; measured with generous slack for a loaded test machine. */
  private static final Duration OFF_EC2_BOUND = Duration.ofMillis(2500);

  private static NodeIdentityResolver resolver(Settings s) {
    return new NodeIdentityResolver(
        s, () -> ImdsClient.fromSettings(s, Clock.systemUTC()), NodeIdentityResolver::osHostname);
  }

  @Test
  void resolvesFromImdsV2WithOneToken() throws Exception {
    try (FakeImds imds = FakeImds.start().typicalInstance()) {
      NodeIdentity id =
          resolver(Settings.empty().with(AwsKeys.IMDS_ENDPOINT, imds.endpoint())).resolve();

      assertThat(id)
          .isEqualTo(
              new NodeIdentity(
                  "i-0123456789abcdef0",
                  InetAddress.getByName("10.0.1.12"),
                  null,
                  "ip-10-0-1-12.eu-west-1.compute.internal",
                  "eu-west-1b",
                  "eu-west-1",
                  "web-prod"));
      assertThat(imds.tokenPuts()).isEqualTo(1);
      assertThat(imds.calls())
          .allSatisfy(c -> assertThat(c.method().equals("PUT") || c.token() != null).isTrue());
    }
  }

  @Test
  void overridesWinOverImds() throws Exception {
    try (FakeImds imds = FakeImds.start().typicalInstance()) {
      NodeIdentity id =
          resolver(
                  Settings.empty()
                      .with(AwsKeys.IMDS_ENDPOINT, imds.endpoint())
                      .with(CoreKeys.NODE_INSTANCE_ID, "node-a")
                      .with(CoreKeys.NODE_ASG, "group-b"))
              .resolve();

      assertThat(id.instanceId()).isEqualTo("node-a");
      assertThat(id.autoScalingGroup()).isEqualTo("group-b");
      assertThat(id.addressText()).isEqualTo("10.0.1.12");
      assertThat(imds.calls())
          .extracting(FakeImds.Call::path)
          .doesNotContain(
              "/latest/meta-data/instance-id", "/latest/meta-data/autoscaling/group-name");
    }
  }

  @Test
  void withNodeAddressImdsIsNeverContacted() throws Exception {
    try (FakeImds imds = FakeImds.start().typicalInstance()) {
      NodeIdentity id =
          resolver(
                  Settings.empty()
                      .with(AwsKeys.IMDS_ENDPOINT, imds.endpoint())
                      .with(CoreKeys.NODE_ADDRESS, "10.9.8.7")
                      .with(CoreKeys.NODE_INSTANCE_ID, "n1"))
              .resolve();

      assertThat(id.addressText()).isEqualTo("10.9.8.7");
      assertThat(id.instanceId()).isEqualTo("n1");
      assertThat(imds.calls()).isEmpty();
    }
  }

  @Test
  void offEc2AClosedPortFailsFastNamingNodeAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Settings settings = Settings.empty().with(AwsKeys.IMDS_ENDPOINT, "http://127.0.0.1:" + port);

    long start = System.nanoTime();
    assertThatThrownBy(() -> resolver(settings).resolve())
        .isInstanceOf(NodeIdentityResolver.IdentityException.class)
        .hasMessageContaining("Set node.address");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(OFF_EC2_BOUND);
  }

  @Test
  void offEc2APortThatNeverAnswersFailsWithinTheBoundNamingNodeAddress() throws Exception {
    // Bound but never accept()ed: the kernel completes the TCP handshake, nobody ever answers.
    try (ServerSocket blackHole = new ServerSocket()) {
      blackHole.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
      Settings settings =
          Settings.empty()
              .with(AwsKeys.IMDS_ENDPOINT, "http://127.0.0.1:" + blackHole.getLocalPort());

      long start = System.nanoTime();
      assertThatThrownBy(() -> resolver(settings).resolve())
          .isInstanceOf(NodeIdentityResolver.IdentityException.class)
          .hasMessageContaining("did not answer within 1000 ms")
          .hasMessageContaining("Set node.address");
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      assertThat(elapsed).isLessThan(OFF_EC2_BOUND).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }
  }
}
