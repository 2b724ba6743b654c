package io.muster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.RecordingAdapter;
import io.muster.agent.lifecycle.LifecycleComponent;
import io.muster.agent.lifecycle.LifecycleKeys;
import io.muster.agent.lifecycle.LifecycleSettings;
import io.muster.agent.lifecycle.NodeLifecycles;
import io.muster.agent.membership.AgentPacing;
import io.muster.agent.runtime.AgentRuntime;
import io.muster.aws.AwsClients;
import io.muster.aws.imds.ImdsClient;
import io.muster.aws.lifecycle.AutoScalingLifecycleActions;
import io.muster.aws.lifecycle.ImdsLifecycleSignals;
import io.muster.bootstrap.Backoff;
import io.muster.bootstrap.BootstrapSettings;
import io.muster.bootstrap.JoinFlow;
import io.muster.bootstrap.NodeState;
import io.muster.bootstrap.StepListener;
import io.muster.config.Settings;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.discovery.CountingDiscovery;
import io.muster.election.ElectionSettings;
import io.muster.lifecycle.FileLifecycleRecords;
import io.muster.lifecycle.InFlight;
import io.muster.lifecycle.NodeLifecycle;
import io.muster.model.NodeIdentity;
import io.muster.testing.DummyAwsCredentials;
import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAutoScalingLifecycle.Completion;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeImds;
import io.muster.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code muster agent} with the on-node lifecycle, as assembled ({@link Agents#components}), on a
 * real join flow and virtual time, against the local Auto Scaling lifecycle API and instance
 * metadata over loopback HTTP, through the real AWS SDK and muster's IMDSv2 client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentLifecycleWireTest {
  static final String GROUP = "web-prod";
  static final Duration INTERVAL = Duration.ofSeconds(5);
  static final Duration CAP = Duration.ofSeconds(60);
  static final RandomGenerator NO_JITTER = () -> Long.MIN_VALUE;

  final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
  final NodeIdentity self = NodeIdentity.of("i-0123456789abcdef0", "10.0.0.1");
  final CountingDiscovery discovery = new CountingDiscovery();
  final InMemoryCredentialStore store = new InMemoryCredentialStore();
  final NodeState.InMemory state = new NodeState.InMemory();
  final RecordingAdapter.Following adapter = new RecordingAdapter.Following();

  /** Not final: a test may add a key before it builds the component. */
  Settings settings =
      Settings.empty()
          .with(LifecycleKeys.ENABLED, "true")
          .with(LifecycleKeys.LAUNCH_HOOK, "launch-gate")
          .with(LifecycleKeys.TERMINATE_HOOK, "drain")
          .with(LifecycleKeys.HEARTBEAT_TIMEOUT, "300s")
          .with(LifecycleKeys.DRAIN_TIMEOUT, "5m")
          .with(LifecycleKeys.POLL_INTERVAL, "1s");

  @TempDir Path stateDir;
  DummyAwsCredentials credentials;
  FakeAwsQueryServer server;
  FakeAutoScalingLifecycle asg;
  FakeImds imds;
  AwsClients clients;

  @BeforeEach
  void start() throws Exception {
    credentials = DummyAwsCredentials.install();
    server = FakeAwsQueryServer.start();
    imds = FakeImds.start();
    asg =
        new FakeAutoScalingLifecycle(server, clock)
            .hook(
                GROUP,
                "launch-gate",
                FakeAutoScalingLifecycle.LAUNCHING,
                Duration.ofSeconds(300),
                "ABANDON")
            .hook(
                GROUP,
                "drain",
                FakeAutoScalingLifecycle.TERMINATING,
                Duration.ofSeconds(300),
                "CONTINUE")
            .mirrorTo(imds, Duration.ZERO);
    clients = new AwsClients("us-east-1", server.endpoint(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    clients.close();
    imds.close();
    server.close();
    credentials.close();
  }

  /** A node that forms alone once it sees itself; {@code view} decides when that is. */
  Agents.Joining joining() {
    JoinFlow flow =
        new JoinFlow(
            new BootstrapSettings(
                "prod",
                new ElectionSettings(Duration.ofSeconds(10), 1),
                INTERVAL,
                CAP,
                Duration.ofMinutes(10)),
            self,
            discovery,
            store,
            adapter,
            state,
            clock,
            new Backoff(INTERVAL, CAP, NO_JITTER),
            () -> "cid-1",
            StepListener.NONE);
    return new Agents.Joining(adapter, flow, store, state, self.instanceId());
  }

  /** What the lifecycle component reported to the agent's telemetry. */
  final List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();

  final io.muster.telemetry.Telemetry telemetry =
      new io.muster.telemetry.Telemetry() {
        @Override
        public void discovery(
            String provider,
            io.muster.telemetry.Outcome outcome,
            Duration latency,
            List<io.muster.model.Peer> peers,
            String error) {}

        @Override
        public void store(
            String operation,
            io.muster.telemetry.Outcome outcome,
            Duration latency,
            String error) {}

        @Override
        public void adapter(
            String adapter, String verb, io.muster.telemetry.Outcome outcome, String error) {}

        @Override
        public void lifecycleAction(
            io.muster.lifecycle.LifecycleTransition transition,
            io.muster.lifecycle.LifecycleResult result) {
          reported.add(transition + " " + result);
        }

        @Override
        public void lifecycleActionFailed(
            io.muster.lifecycle.LifecycleTransition transition, String error) {
          reported.add(transition + " failed: " + error);
        }
      };

  LifecycleComponent lifecycle(BooleanSupplier member, ExecutorService leaver) {
    LifecycleSettings l = LifecycleSettings.from(settings);
    AutoScalingLifecycleActions api = new AutoScalingLifecycleActions(() -> clients);
    return new LifecycleComponent(
            new NodeLifecycle(
                NodeLifecycles.config(l, settings, withGroup(self), Duration.ofMinutes(10))),
            l,
            new ImdsLifecycleSignals(
                new ImdsClient(imds.endpoint(), Duration.ofSeconds(2), clock), true, false),
            api,
            api,
            new FileLifecycleRecords(stateDir),
            member,
            NodeLifecycles.leave(adapter, store, state, self.instanceId()),
            clock,
            clock::sleep,
            leaver)
        .reportingTo(telemetry);
  }

  static NodeIdentity withGroup(NodeIdentity id) {
    return new NodeIdentity(
        id.instanceId(),
        id.address(),
        id.ipv6(),
        id.hostname(),
        id.availabilityZone(),
        id.region(),
        GROUP);
  }

  AgentRuntime runtime(List<LifecycleComponent> built) {
    return new AgentRuntime(
        Agents.components(
            adapter,
            adapter,
            discovery,
            joining(),
            new AgentPacing(new Backoff(INTERVAL, CAP, NO_JITTER), Duration.ofSeconds(60), CAP),
            false,
            null,
            member -> {
              LifecycleComponent c = lifecycle(member, new DirectExecutor());
              built.add(c);
              return c;
            }),
        clock,
        clock::sleep,
        n -> CAP);
  }

  /** Stops {@code runtime} once {@code done} holds, or after {@code limit} of virtual time. */
  void runUntil(AgentRuntime runtime, BooleanSupplier done, Duration limit) throws Exception {
    Instant end = clock.instant().plus(limit);
    clock.onSleep(
        () -> {
          if (done.getAsBoolean() || !clock.instant().isBefore(end)) {
            runtime.stop();
          }
        });
    runtime.run();
  }

  int formsOrJoins() {
    return (int)
        adapter.calls.stream().filter(c -> c.equals("form") || c.startsWith("join:")).count();
  }

  @Test
  void theLaunchHookIsAnsweredOnlyOnceTheNodeIsAMemberWithHeartbeatsMeanwhile() throws Exception {
    asg.launch(GROUP, self.instanceId());
    // Joining takes four minutes: the node sees nobody, not even itself, until then.
    clock.whenSlept(Duration.ofMinutes(4), () -> discovery.see(self.asPeer()));
    List<Boolean> memberWhenAnswered = new ArrayList<>();
    List<LifecycleComponent> built = new ArrayList<>();
    AgentRuntime runtime = runtime(built);

    runUntil(
        runtime,
        () -> {
          if (!asg.completions().isEmpty() && memberWhenAnswered.isEmpty()) {
            memberWhenAnswered.add(adapter.clustered && formsOrJoins() == 1);
          }
          return !memberWhenAnswered.isEmpty();
        },
        Duration.ofMinutes(30));

    assertThat(asg.completions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.hook()).isEqualTo("launch-gate");
              assertThat(c.result()).isEqualTo("CONTINUE");
              assertThat(c.byTimeout()).isFalse();
              assertThat(c.at()).isAfterOrEqualTo(Instant.parse("2026-11-21T10:04:00Z"));
            });
    assertThat(memberWhenAnswered).containsExactly(true);
    assertThat(asg.heartbeats()).as("every 100 s while joining").hasSizeGreaterThanOrEqualTo(2);
    assertThat(reported).containsExactly("LAUNCHING CONTINUE");
    assertThat(asg.state(self.instanceId())).isEqualTo("InService");
    // What /status shows under "lifecycle" (NodeStatus.lifecycleState is fed from this).
    Map<String, Object> status = built.get(0).statusFields();
    assertThat(status).containsEntry("targetState", "IN_SERVICE");
    @SuppressWarnings("unchecked")
    Map<String, Object> work = (Map<String, Object>) status.get("work");
    assertThat(work)
        .containsEntry("kind", "LAUNCH")
        .containsEntry("phase", "DONE")
        .containsEntry("hook", "launch-gate")
        .containsEntry("transition", "autoscaling:EC2_INSTANCE_LAUNCHING")
        .containsEntry("result", "CONTINUE");
  }

  @Test
  void terminateLeavesWhileRunningThenAnswersOnceThroughTheApisLag() throws Exception {
    asg.launch(GROUP, self.instanceId());
    discovery.see(self.asPeer());
    List<LifecycleComponent> built = new ArrayList<>();
    AgentRuntime first = runtime(built);
    runUntil(first, () -> !asg.completions().isEmpty(), Duration.ofMinutes(30));
    assertThat(adapter.clustered).isTrue();

    // IMDS says Terminated at once; the API shows Terminating:Wait after 10 s, accepts after 20 s.
    asg.race(Duration.ofSeconds(10), Duration.ofSeconds(20)).terminate(self.instanceId());
    int joinsBefore = formsOrJoins();
    AgentRuntime second = runtime(built);
    runUntil(
        second,
        () -> asg.completions(self.instanceId(), "drain").size() > 0,
        Duration.ofMinutes(30));
    // And a while longer: nothing is answered twice, nobody rejoins.
    runUntil(runtime(built), () -> false, Duration.ofMinutes(10));

    assertThat(adapter.calls).contains("leave:false");
    assertThat(store.deregistered()).contains(self.instanceId());
    assertThat(formsOrJoins()).as("never rejoined after leaving").isEqualTo(joinsBefore);
    List<Completion> drain = asg.completions(self.instanceId(), "drain");
    assertThat(drain)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.result()).isEqualTo("CONTINUE");
              assertThat(c.byTimeout()).isFalse();
            });
    assertThat(server.requests("CompleteLifecycleAction").size())
        .as("the 'No active Lifecycle Action' race was retried")
        .isGreaterThan(2);
    assertThat(new FileLifecycleRecords(stateDir).load().orElseThrow().phase())
        .isEqualTo(InFlight.Phase.DONE);
    assertThat(asg.state(self.instanceId())).isEqualTo("Terminated");
  }

  @Test
  void aRestartBetweenLeaveAndAnswerResumesAndAnswersOnce() throws Exception {
    asg.launch(GROUP, self.instanceId());
    discovery.see(self.asPeer());
    runUntil(
        runtime(new ArrayList<>()), () -> !asg.completions().isEmpty(), Duration.ofMinutes(30));
    asg.race(Duration.ZERO, Duration.ofSeconds(60)).terminate(self.instanceId());

    // First run: leaves, then is killed (no stop) while the API still says "no active action".
    LifecycleComponent crashed = lifecycle(() -> false, new DirectExecutor());
    crashed.start();
    crashed.step();
    assertThat(adapter.calls).contains("leave:false");
    assertThat(new FileLifecycleRecords(stateDir).load().orElseThrow().phase())
        .isEqualTo(InFlight.Phase.COMPLETING);
    assertThat(asg.completions(self.instanceId(), "drain")).isEmpty();

    // The restarted agent resumes: heartbeats at once, answers when the API accepts.
    clock.advance(Duration.ofSeconds(30));
    LifecycleComponent resumed = lifecycle(() -> false, new DirectExecutor());
    resumed.start();
    int heartbeatsBefore = server.requests("RecordLifecycleActionHeartbeat").size();
    Duration next = resumed.step();
    assertThat(next)
        .as("an answer is retried every 5 s, whatever the poll interval")
        .isEqualTo(Duration.ofSeconds(5));
    clock.advance(next);
    assertThat(server.requests("RecordLifecycleActionHeartbeat").size())
        .as("a resumed action is heartbeaten at once")
        .isGreaterThan(heartbeatsBefore);
    for (int i = 0; i < 20; i++) {
      clock.advance(resumed.step());
    }
    assertThat(asg.completions(self.instanceId(), "drain")).hasSize(1);
    assertThat(adapter.calls.stream().filter(c -> c.startsWith("leave")).count()).isEqualTo(1);

    // A third start finds the action done and sends nothing.
    int requests = server.requests("CompleteLifecycleAction").size();
    LifecycleComponent third = lifecycle(() -> false, new DirectExecutor());
    third.start();
    third.step();
    third.stop();
    assertThat(server.requests("CompleteLifecycleAction")).hasSize(requests);
  }

  @Test
  void aHangingLeaveIsAnsweredAtTheDrainTimeoutAndWhenTheAgentStops() throws Exception {
    asg.launch(GROUP, self.instanceId());
    discovery.see(self.asPeer());
    runUntil(
        runtime(new ArrayList<>()), () -> !asg.completions().isEmpty(), Duration.ofMinutes(30));
    asg.terminate(self.instanceId());
    CountDownLatch never = new CountDownLatch(1);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      LifecycleComponent c =
          new LifecycleComponentWithLeave(this, () -> never.await()).build(thread);
      c.start();
      clock.advance(c.step());
      assertThat(c.mayJoin()).isFalse();
      assertThat(asg.completions(self.instanceId(), "drain")).isEmpty();

      // The agent is stopped mid-drain: the hook is still answered (the instance is going away).
      c.stop();
      assertThat(asg.completions(self.instanceId(), "drain"))
          .singleElement()
          .satisfies(x -> assertThat(x.result()).isEqualTo("CONTINUE"));
      assertThat(new FileLifecycleRecords(stateDir).load().orElseThrow().reason())
          .contains("stopped while leaving");
    } finally {
      never.countDown();
      thread.shutdownNow();
    }
  }

  @Test
  void aDrainTimeoutStillAnswersWithTheConfiguredResult() throws Exception {
    asg.launch(GROUP, self.instanceId());
    discovery.see(self.asPeer());
    runUntil(
        runtime(new ArrayList<>()), () -> !asg.completions().isEmpty(), Duration.ofMinutes(30));
    asg.terminate(self.instanceId());
    CountDownLatch never = new CountDownLatch(1);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      LifecycleComponent c =
          new LifecycleComponentWithLeave(this, () -> never.await()).build(thread);
      c.start();
      for (int i = 0; i < 1000 && asg.completions(self.instanceId(), "drain").isEmpty(); i++) {
        clock.advance(c.step());
      }
      assertThat(asg.completions(self.instanceId(), "drain"))
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.result()).isEqualTo("CONTINUE");
                assertThat(x.byTimeout()).isFalse();
                assertThat(x.at()).isAfterOrEqualTo(clock.instant().minusSeconds(10));
              });
      assertThat(new FileLifecycleRecords(stateDir).load().orElseThrow().reason())
          .contains("lifecycle.drain-timeout");
      assertThat(asg.heartbeats()).as("heartbeats while draining").isNotEmpty();
    } finally {
      never.countDown();
      thread.shutdownNow();
    }
  }

  @Test
  void workRecordedForAnotherInstanceIsIgnored() throws Exception {
    new FileLifecycleRecords(stateDir)
        .save(
            InFlight.begin(
                    InFlight.Kind.TERMINATE,
                    java.util.Optional.of(
                        new io.muster.lifecycle.LifecycleAction(
                            GROUP,
                            "drain",
                            "i-0ther0000000000000",
                            io.muster.lifecycle.LifecycleTransition.TERMINATING,
                            java.util.Optional.empty())),
                    clock.instant(),
                    "terminating",
                    "copied in an image")
                .completing(io.muster.lifecycle.LifecycleResult.CONTINUE, "left"));
    asg.launch(GROUP, self.instanceId());
    LifecycleComponent c = lifecycle(() -> false, new DirectExecutor());
    c.start();
    c.step();

    assertThat(server.requests("CompleteLifecycleAction")).isEmpty();
    assertThat(c.mayJoin()).isTrue();
    assertThat(c.work().orElseThrow().kind()).isEqualTo(InFlight.Kind.LAUNCH);
  }

  /**
   * The swarm adapter refuses a leave that would lose the managers' quorum (unless forced). The
   * terminate hook is still answered, with lifecycle.drain-failure-result, and the refusal is the
   * recorded reason: the instance goes away regardless, and the operator reads why in the log.
   */
  @Test
  void aLeaveRefusedForQuorumIsStillAnsweredWithTheDrainFailureResult() throws Exception {
    asg.launch(GROUP, self.instanceId());
    discovery.see(self.asPeer());
    runUntil(
        runtime(new ArrayList<>()), () -> !asg.completions().isEmpty(), Duration.ofMinutes(30));
    asg.terminate(self.instanceId());
    LifecycleComponent c =
        new LifecycleComponentWithLeave(
                this,
                () -> {
                  throw new io.muster.adapter.AdapterException(
                      "refusing to leave the swarm: 1 of 3 managers would remain reachable", false);
                })
            .build(new DirectExecutor());
    c.start();
    clock.advance(c.step());

    assertThat(asg.completions(self.instanceId(), "drain"))
        .singleElement()
        .satisfies(x -> assertThat(x.result()).isEqualTo("CONTINUE"));
    assertThat(new FileLifecycleRecords(stateDir).load().orElseThrow().reason())
        .contains("the leave failed: refusing to leave the swarm");
  }

  @Test
  void aLaunchThatNeverJoinsIsAbandonedAtJoinTimeout() throws Exception {
    asg.launch(GROUP, self.instanceId()); // nobody is ever in view: no cluster to join
    runUntil(
        runtime(new ArrayList<>()), () -> !asg.completions().isEmpty(), Duration.ofMinutes(30));

    assertThat(asg.completions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.result()).isEqualTo("ABANDON");
              assertThat(c.byTimeout()).isFalse();
            });
    assertThat(asg.state(self.instanceId())).isEqualTo("Terminated");
  }

  @Test
  void aLaunchInProgressIsAnsweredWhenTheAgentStopsAndNeverAgain() throws Exception {
    asg.launch(GROUP, self.instanceId()); // nobody in view: the node is still joining at the stop
    List<LifecycleComponent> built = new ArrayList<>();
    runUntil(runtime(built), () -> false, Duration.ofMinutes(2));

    assertThat(asg.completions())
        .as("answered by the stop, long before join.timeout (10 min)")
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.result()).isEqualTo("ABANDON");
              assertThat(c.byTimeout()).isFalse();
            });
    assertThat(reported).containsExactly("LAUNCHING ABANDON");
    InFlight record = new FileLifecycleRecords(stateDir).load().orElseThrow();
    assertThat(record.phase()).isEqualTo(InFlight.Phase.DONE);
    assertThat(record.reason()).contains("stopped before the node was a verified member");

    // Restarted (systemd's Restart=on-failure, say): the abandoned launch is neither answered
    // again nor joined late, though the cluster is now in view.
    discovery.see(self.asPeer());
    runUntil(runtime(new ArrayList<>()), () -> false, Duration.ofMinutes(2));
    assertThat(asg.completions(self.instanceId(), "launch-gate")).hasSize(1);
    assertThat(formsOrJoins()).isZero();
  }

  @Test
  void withOnStopKeepALaunchIsLeftForTheNextStartWhichAnswersIt() throws Exception {
    settings = settings.with(LifecycleKeys.ON_STOP, "keep");
    asg.launch(GROUP, self.instanceId());
    runUntil(runtime(new ArrayList<>()), () -> false, Duration.ofMinutes(2));
    assertThat(asg.completions()).isEmpty();
    assertThat(new FileLifecycleRecords(stateDir).load().orElseThrow().phase())
        .isEqualTo(InFlight.Phase.WORKING);

    discovery.see(self.asPeer());
    runUntil(runtime(new ArrayList<>()), () -> !asg.completions().isEmpty(), Duration.ofMinutes(5));
    assertThat(asg.completions())
        .singleElement()
        .satisfies(c -> assertThat(c.result()).isEqualTo("CONTINUE"));
  }

  @Test
  void aStopMidDrainWaitsForTheLeaveThenAnswersContinue() throws Exception {
    asg.launch(GROUP, self.instanceId());
    discovery.see(self.asPeer());
    runUntil(
        runtime(new ArrayList<>()), () -> !asg.completions().isEmpty(), Duration.ofMinutes(30));
    asg.terminate(self.instanceId());
    CountDownLatch leaveMayEnd = new CountDownLatch(1);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      LifecycleComponent c =
          new LifecycleComponentWithLeave(this, () -> leaveMayEnd.await()).build(thread);
      c.start();
      clock.advance(c.step());
      assertThat(asg.completions(self.instanceId(), "drain")).isEmpty();

      // The leave finishes 3 s into the stop (virtual time, which the stop's waiting advances);
      // the hook returns once the leave's thread has finished it, so the next look sees it done.
      clock.whenSlept(
          clock.slept().plus(Duration.ofSeconds(3)),
          () -> {
            leaveMayEnd.countDown();
            thread.shutdown();
            try {
              assertThat(thread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          });
      c.stop();
      assertThat(asg.completions(self.instanceId(), "drain"))
          .singleElement()
          .satisfies(x -> assertThat(x.result()).isEqualTo("CONTINUE"));
      assertThat(new FileLifecycleRecords(stateDir).load().orElseThrow().reason())
          .contains("left the cluster");
    } finally {
      leaveMayEnd.countDown();
      thread.shutdownNow();
    }
  }

  @Test
  void theWarmPoolNeverJoins() throws Exception {
    asg.warm(GROUP, self.instanceId());
    discovery.see(self.asPeer());
    runUntil(runtime(new ArrayList<>()), () -> false, Duration.ofMinutes(15));

    assertThat(formsOrJoins()).isZero();
    assertThat(discovery.listCalls() + discovery.discoverCalls()).isZero();
  }

  @Test
  void aSpotInterruptionLeavesCleanlyWithNoHookToAnswer() throws Exception {
    asg.launch(GROUP, self.instanceId());
    discovery.see(self.asPeer());
    runUntil(
        runtime(new ArrayList<>()), () -> !asg.completions().isEmpty(), Duration.ofMinutes(30));
    imds.put(
        "spot/instance-action", "{\"action\":\"terminate\",\"time\":\"2026-11-21T10:32:00Z\"}");
    int requests = server.requests("CompleteLifecycleAction").size();
    int joins = formsOrJoins();

    runUntil(runtime(new ArrayList<>()), () -> false, Duration.ofMinutes(5));

    assertThat(adapter.calls).contains("leave:false");
    assertThat(store.deregistered()).contains(self.instanceId());
    assertThat(formsOrJoins()).isEqualTo(joins);
    assertThat(server.requests("CompleteLifecycleAction")).hasSize(requests);
  }

  /** Builds the component with a given leave (one that hangs, say). */
  record LifecycleComponentWithLeave(AgentLifecycleWireTest t, LifecycleComponent.Leave leave) {
    LifecycleComponent build(ExecutorService leaver) {
      LifecycleSettings l = LifecycleSettings.from(t.settings);
      AutoScalingLifecycleActions api = new AutoScalingLifecycleActions(() -> t.clients);
      return new LifecycleComponent(
          new NodeLifecycle(
              NodeLifecycles.config(l, t.settings, withGroup(t.self), Duration.ofMinutes(10))),
          l,
          new ImdsLifecycleSignals(
              new ImdsClient(t.imds.endpoint(), Duration.ofSeconds(2), t.clock), true, false),
          api,
          api,
          new FileLifecycleRecords(t.stateDir),
          () -> false,
          leave,
          t.clock,
          t.clock::sleep,
          leaver);
    }
  }

  /** Runs each task on the calling thread: a leave finishes within the step that starts it. */
  static final class DirectExecutor extends AbstractExecutorService {
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
