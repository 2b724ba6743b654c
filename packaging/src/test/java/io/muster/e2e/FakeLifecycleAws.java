package io.muster.e2e;

import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeImds;
import io.muster.testing.TestNetwork;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Auto Scaling's lifecycle API, with a fleet's launch and terminate hooks, and each instance's
 * metadata: local fakes on the host's loopback, which each node reaches at its fleet's IMDS and
 * Auto Scaling ports on its own loopback (through {@link NamespaceBridges}).
 */
final class FakeLifecycleAws implements AutoCloseable {
  private final LifecycleFleetSettings fleet;
  private final FakeAwsQueryServer server;
  private final FakeAutoScalingLifecycle lifecycle;
  private final List<FakeImds> imds = new ArrayList<>();

  /**
   * The API with {@code fleet}'s launch hook (ABANDON when it times out) and terminate hook
   * (CONTINUE when it times out), both with the fleet's heartbeat timeout.
   */
  FakeLifecycleAws(LifecycleFleetSettings fleet) throws IOException {
    this.fleet = fleet;
    this.server = FakeAwsQueryServer.start();
    this.lifecycle =
        new FakeAutoScalingLifecycle(server, Clock.systemUTC())
            .hook(
                fleet.group(),
                fleet.launchHook(),
                FakeAutoScalingLifecycle.LAUNCHING,
                fleet.heartbeat(),
                "ABANDON")
            .hook(
                fleet.group(),
                fleet.drainHook(),
                FakeAutoScalingLifecycle.TERMINATING,
                fleet.heartbeat(),
                "CONTINUE");
  }

  /**
   * Gives {@code node} its own instance metadata, which mirrors {@code instance}'s lifecycle state
   * at once, and bridges that and the API into its namespace at the fleet's ports.
   */
  void serve(TestNetwork.Node node, String instance, NamespaceBridges bridges)
      throws IOException, InterruptedException {
    FakeImds m = FakeImds.start();
    imds.add(m);
    lifecycle.mirrorTo(instance, m, Duration.ZERO);
    bridges.bridge(node, fleet.imdsPort(), m.endpoint());
    bridges.bridge(node, fleet.asgPort(), server.endpoint().toString());
  }

  FakeAutoScalingLifecycle lifecycle() {
    return lifecycle;
  }

  /** For a failure's report: every answer the API accepted. */
  String completionsReport() {
    return "---- completions: " + lifecycle.completions() + "\n";
  }

  /** For a failure's report: the action of every request the API received. */
  String requestsReport() {
    return "---- requests: " + server.requests().stream().map(r -> r.action()).toList() + "\n";
  }

  @Override
  public void close() {
    imds.forEach(FakeImds::close);
    server.close();
  }
}
