package io.muster.agent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.aws.AwsClients;
import io.muster.aws.imds.ImdsClient;
import io.muster.aws.lifecycle.AutoScalingLifecycleActions;
import io.muster.aws.lifecycle.ImdsLifecycleSignals;
import io.muster.config.Settings;
import io.muster.lifecycle.FileLifecycleRecords;
import io.muster.lifecycle.InFlight;
import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleActions;
import io.muster.lifecycle.LifecycleException;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.NodeLifecycle;
import io.muster.model.NodeIdentity;
import io.muster.testing.DummyAwsCredentials;
import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeImds;
import io.muster.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomized, bounded faults on the on-node lifecycle, end to end over loopback HTTP (the local
 * Auto Scaling lifecycle API, the IMDS fake, the real SDK): the API lags instance metadata by
 * random amounts, metadata lags the API, answers are lost after AWS accepted them, and the agent is
 * killed (no stop) at random steps and restarted from its state.dir. Every run launches one
 * instance (its hook answered once it is a member), then terminates it (answered after it left).
 * Checked in every run: each action answered exactly once, by muster and never by the hook's
 * timeout, with the right result; the node left exactly once; nothing is sent after the work is
 * recorded done. Counts are printed; re-run one sequence with -Dmuster.faults.seed=N.
 */
class LifecycleFaultsTest {
  static final String GROUP = "web";
  static final String ID = "i-0123456789abcdef0";
  static final int RUNS = Integer.getInteger("muster.faults.runs", 40);

  static DummyAwsCredentials credentials;

  @TempDir Path tmp;

  @BeforeAll
  static void dummyCredentials() {
    credentials = DummyAwsCredentials.install();
  }

  @AfterAll
  static void restore() {
    credentials.close();
  }

  /** What one run did, for the summary. */
  record Counts(int kills, int lostAnswers, int resentAfterAccepted, int notYetRetries) {}

  @Test
  void everyActionIsAnsweredOnceAndNoneIsLost() throws Exception {
    long seed = Long.getLong("muster.faults.seed", System.nanoTime());
    Random seeds = new Random(seed);
    int kills = 0;
    int lost = 0;
    int resent = 0;
    int retries = 0;
    for (int run = 0; run < RUNS; run++) {
      Counts c = run(seeds.nextLong(), Files.createDirectory(tmp.resolve("run-" + run)));
      kills += c.kills();
      lost += c.lostAnswers();
      resent += c.resentAfterAccepted();
      retries += c.notYetRetries();
    }
    System.out.printf(
        "LifecycleFaultsTest: seed %d, %d runs x 2 actions: %d agent kills, %d answers lost after"
            + " AWS accepted them, %d answers re-sent after AWS had accepted one (refused as 'No"
            + " active Lifecycle Action' and recognised as done), %d 'not yet' retries; every"
            + " action answered exactly once, none by timeout, none lost%n",
        seed, RUNS, kills, lost, resent, retries);
  }

  private Counts run(long runSeed, Path stateDir) throws Exception {
    Random r = new Random(runSeed);
    ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
    try (FakeAwsQueryServer server = FakeAwsQueryServer.start();
        FakeImds imds = FakeImds.start();
        AwsClients clients =
            new AwsClients("us-east-1", server.endpoint(), Duration.ofSeconds(5))) {
      Map<String, Integer> requestsAtAccept = new ConcurrentHashMap<>();
      FakeAutoScalingLifecycle asg =
          new FakeAutoScalingLifecycle(server, clock)
              .hook(
                  GROUP,
                  "launch",
                  FakeAutoScalingLifecycle.LAUNCHING,
                  Duration.ofSeconds(120),
                  "ABANDON")
              .hook(
                  GROUP,
                  "drain",
                  FakeAutoScalingLifecycle.TERMINATING,
                  Duration.ofSeconds(120),
                  "ABANDON")
              .mirrorTo(imds, Duration.ofSeconds(r.nextInt(8)))
              .race(Duration.ofSeconds(r.nextInt(15)), Duration.ofSeconds(r.nextInt(30)))
              .onCompletion(c -> requestsAtAccept.put(c.hook(), requests(server, c.hook())));
      Settings settings =
          Settings.empty()
              .with(LifecycleKeys.ENABLED, "true")
              .with(LifecycleKeys.LAUNCH_HOOK, "launch")
              .with(LifecycleKeys.TERMINATE_HOOK, "drain")
              .with(LifecycleKeys.HEARTBEAT_TIMEOUT, "120s")
              .with(LifecycleKeys.POLL_INTERVAL, "2s");
      LifecycleSettings l = LifecycleSettings.from(settings);
      NodeIdentity base = NodeIdentity.of(ID, "10.0.0.1");
      NodeIdentity self = new NodeIdentity(ID, base.address(), null, null, null, null, GROUP);
      AutoScalingLifecycleActions api = new AutoScalingLifecycleActions(() -> clients);
      double loseAnswer = r.nextDouble() * 0.5;
      AtomicInteger lost = new AtomicInteger();
      LifecycleActions flaky =
          new LifecycleActions() {
            @Override
            public Outcome complete(LifecycleAction action, LifecycleResult result) {
              Outcome o = api.complete(action, result);
              if (o == Outcome.ACCEPTED && r.nextDouble() < loseAnswer) {
                lost.incrementAndGet();
                throw new LifecycleException("the answer was lost on the way back", true, null);
              }
              return o;
            }

            @Override
            public Outcome heartbeat(LifecycleAction action) {
              return api.heartbeat(action);
            }
          };
      AtomicBoolean member = new AtomicBoolean();
      AtomicInteger leaves = new AtomicInteger();
      Instant memberAt = clock.instant().plusSeconds(r.nextInt(200));
      LifecycleComponent.Leave leave =
          () -> {
            if (member.getAndSet(false)) {
              leaves.incrementAndGet();
            }
          };
      Supplier<LifecycleComponent> agent =
          () ->
              new LifecycleComponent(
                  new NodeLifecycle(
                      NodeLifecycles.config(l, settings, self, Duration.ofMinutes(10))),
                  l,
                  new ImdsLifecycleSignals(
                      new ImdsClient(imds.endpoint(), Duration.ofSeconds(2), clock), true, false),
                  flaky,
                  api,
                  new FileLifecycleRecords(stateDir),
                  member::get,
                  leave,
                  clock,
                  clock::sleep,
                  new Direct());

      asg.launch(GROUP, ID);
      Instant terminateAt = null;
      int kills = 0;
      LifecycleComponent c = agent.get();
      c.start();
      for (int step = 0; step < 3_000; step++) {
        if (leaves.get() == 0
            && !member.get()
            && !clock.instant().isBefore(memberAt)
            && c.mayJoin()) {
          member.set(true); // the join loop found this node a member
        }
        if (r.nextDouble() < 0.08) {
          kills++; // killed: no stop; restarted a little later from state.dir
          clock.advance(Duration.ofSeconds(r.nextInt(20)));
          c = agent.get();
          c.start();
        }
        clock.advance(c.step());
        if (terminateAt == null && !asg.completions(ID, "launch").isEmpty()) {
          terminateAt = clock.instant().plusSeconds(r.nextInt(60));
        }
        if (terminateAt != null
            && asg.state(ID).equals("InService")
            && !clock.instant().isBefore(terminateAt)) {
          asg.terminate(ID);
        }
        if (!asg.completions(ID, "drain").isEmpty()
            && c.work().map(w -> w.phase() == InFlight.Phase.DONE).orElse(false)) {
          break;
        }
      }
      int sentWhenDone = server.requests("CompleteLifecycleAction").size();
      // A while longer, after one more restart and a stop: nothing more is sent.
      c = agent.get();
      c.start();
      for (int i = 0; i < 20; i++) {
        clock.advance(c.step());
      }
      c.stop();

      String why = "seed " + runSeed;
      for (String hook : List.of("launch", "drain")) {
        assertThat(asg.completions(ID, hook))
            .as(why + ": " + hook)
            .singleElement()
            .satisfies(
                x -> {
                  assertThat(x.result()).isEqualTo("CONTINUE");
                  assertThat(x.byTimeout()).isFalse();
                });
      }
      assertThat(leaves.get()).as(why + ": left once").isEqualTo(1);
      assertThat(server.requests("CompleteLifecycleAction"))
          .as(why + ": nothing sent once the work was done")
          .hasSize(sentWhenDone);
      int resent = 0;
      int notYet = 0;
      for (String hook : List.of("launch", "drain")) {
        int atAccept = requestsAtAccept.get(hook);
        resent += requests(server, hook) - atAccept;
        notYet += atAccept - 1;
      }
      return new Counts(kills, lost.get(), resent, notYet);
    }
  }

  private static int requests(FakeAwsQueryServer server, String hook) {
    return (int)
        server.requests("CompleteLifecycleAction").stream()
            .filter(q -> hook.equals(q.param("LifecycleHookName")))
            .count();
  }

  /** Runs the leave on the calling thread. */
  static final class Direct extends AbstractExecutorService {
    private volatile boolean down;

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {
      down = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      down = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return down;
    }

    @Override
    public boolean isTerminated() {
      return down;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
