package io.muster.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.bootstrap.Fakes.FakeAdapter;
import io.muster.bootstrap.Fakes.MutableClock;
import io.muster.bootstrap.Fakes.World;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.discovery.CountingDiscovery;
import io.muster.election.ElectionSettings;
import io.muster.model.NodeIdentity;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Errors no retry can fix fail the step at once, with the fix (issue "Fail before acting" §6): an
 * access denial was retried at INFO until join.timeout (10 minutes).
 */
class JoinFlowPermanentFailureTest {
  final InMemoryCredentialStore store = new InMemoryCredentialStore();
  final CountingDiscovery discovery = new CountingDiscovery();
  final NodeIdentity self = NodeIdentity.of("a", "10.0.0.1");

  JoinFlow flow() {
    return new JoinFlow(
        new BootstrapSettings(
            "prod",
            new ElectionSettings(Duration.ZERO, 1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            Duration.ofMinutes(10)),
        self,
        discovery,
        store,
        new FakeAdapter(new World(), "a"),
        new NodeState.InMemory(),
        new MutableClock(),
        new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), new Random(1)),
        () -> "cid",
        new StepListener() {
          @Override
          public void decided(NodeState.StepRecord step) {}

          @Override
          public void event(String kind, String message) {}
        });
  }

  @Test
  void aDeniedStoreFailsAtOnceSayingWhy() {
    discovery.see(self.asPeer());
    store.denied = true;

    StepResult r = flow().step();

    assertThat(r).isInstanceOf(StepResult.Failed.class);
    assertThat(r.message()).contains("was denied").contains("not retried");
  }

  @Test
  void anUnreachableStoreIsStillRetried() {
    discovery.see(self.asPeer());
    store.unreachable = true;

    assertThat(flow().step()).isInstanceOf(StepResult.Retry.class);
  }
}
