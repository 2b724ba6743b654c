package io.muster.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.agent.testing.CapturedLogs;
import io.muster.testing.ManualClock;
import io.muster.time.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// A scheduling bug would otherwise spin forever; a separate thread can be abandoned.
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentRuntimeTest {
  static final IntFunction<Duration> NO_BACKOFF = n -> Duration.ofSeconds(1);
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  final ManualClock clock = new ManualClock(T0);
  final List<String> events = Collections.synchronizedList(new ArrayList<>());

  /** Records start, stop and every step at its virtual time; steps every {@code every}. */
  class Recorder implements PeriodicComponent {
    final String name;
    final Duration every;

    Recorder(String name, Duration every) {
      this.name = name;
      this.every = every;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void start() {
      events.add("start " + name);
    }

    @Override
    public void stop() throws Exception {
      events.add("stop " + name);
    }

    @Override
    public Duration step() throws Exception {
      events.add(name + "@" + Duration.between(T0, clock.instant()).toSeconds());
      return every;
    }
  }

  /** A component with no steps. */
  Component plain(String name) {
    return new Component() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void start() {
        events.add("start " + name);
      }

      @Override
      public void stop() {
        events.add("stop " + name);
      }
    };
  }

  AgentRuntime runtime(Component... components) {
    return new AgentRuntime(List.of(components), clock, clock::sleep, NO_BACKOFF);
  }

  AgentRuntime runtimeUntil(Duration stopAt, Component... components) {
    AgentRuntime r = runtime(components);
    clock.whenSlept(stopAt, r::stop);
    return r;
  }

  @Test
  void startsComponentsInOrderAndStopsThemInReverseOnceNothingSteps() throws Exception {
    runtimeUntil(
            Duration.ofSeconds(25),
            plain("a"),
            new Recorder("b", Duration.ofSeconds(10)),
            plain("c"))
        .run();

    assertThat(events)
        .containsExactly(
            "start a", "start b", "start c", "b@0", "b@10", "b@20", "stop c", "stop b", "stop a");
  }

  @Test
  void runsEachPeriodicComponentWhenDueAndSleepsExactlyUntilTheNext() throws Exception {
    runtimeUntil(
            Duration.ofSeconds(16),
            new Recorder("a", Duration.ofSeconds(3)),
            new Recorder("b", Duration.ofSeconds(5)))
        .run();

    assertThat(events.stream().filter(e -> e.contains("@")))
        .as("due-time order; at a tie, the component given first")
        .containsExactly("a@0", "b@0", "a@3", "b@5", "a@6", "a@9", "b@10", "a@12", "a@15", "b@15");
    assertThat(clock.sleeps())
        .extracting(Duration::toSeconds)
        .containsExactly(3L, 2L, 1L, 3L, 1L, 2L, 3L, 3L);
  }

  @Test
  void tellsItsLoopWatchWhatItDoesForLivez() throws Exception {
    LoopWatch watch = new LoopWatch();
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    PeriodicComponent slow =
        new PeriodicComponent() {
          @Override
          public String name() {
            return "join loop";
          }

          @Override
          public Duration step() {
            seen.add("stepping=" + watch.stepping());
            clock.advance(Duration.ofMinutes(6)); // a step stuck for 6 minutes
            seen.add(
                "during: " + watch.problem(clock.instant(), Duration.ofMinutes(5)).orElse("ok"));
            return Duration.ofSeconds(60);
          }
        };
    AgentRuntime r = new AgentRuntime(List.of(slow), clock, clock::sleep, NO_BACKOFF, watch);
    clock.onSleep(
        () -> {
          seen.add(
              "sleeping: " + watch.problem(clock.instant(), Duration.ofMinutes(5)).orElse("ok"));
          r.stop();
          seen.add("stopping=" + watch.stopping());
        });

    r.run();

    assertThat(seen)
        .containsExactly(
            "stepping=true",
            "during: the join loop step has been running for 6m (agent.liveness-timeout 5m)",
            "sleeping: ok",
            "stopping=true");
    assertThat(watch.problem(clock.instant(), Duration.ofMinutes(5)))
        .contains("the agent's loop has stopped");
  }

  @Test
  void aStopFromAnotherThreadWakesALongWaitAtOnce() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    List<Duration> asked = Collections.synchronizedList(new ArrayList<>());
    List<Boolean> interruptedAtStop = Collections.synchronizedList(new ArrayList<>());
    // Waits until interrupted, however long it was asked to: only a wake-up can end it.
    Sleeper untilWoken =
        d -> {
          asked.add(d);
          waiting.countDown();
          new CountDownLatch(1).await();
        };
    Recorder hourly =
        new Recorder("hourly", Duration.ofHours(1)) {
          @Override
          public void stop() {
            interruptedAtStop.add(Thread.currentThread().isInterrupted());
          }
        };
    AgentRuntime runtime = new AgentRuntime(List.of(hourly), clock, untilWoken, NO_BACKOFF);
    Thread runner = new Thread(() -> runQuietly(runtime), "runtime-under-test");
    runner.start();
    assertThat(waiting.await(10, TimeUnit.SECONDS)).as("the runtime began its wait").isTrue();

    runtime.stop();

    assertThat(runtime.awaitStopped(Duration.ofSeconds(10)))
        .as("stopped without the hour")
        .isTrue();
    assertThat(asked).containsExactly(Duration.ofHours(1));
    assertThat(events).containsExactly("start hourly", "hourly@0");
    assertThat(interruptedAtStop)
        .as("the wake-up does not reach the components")
        .containsExactly(false);
    runner.join(10_000);
    assertThat(runner.isAlive()).isFalse();
  }

  @Test
  void aStopDuringAStepLetsTheStepFinishUninterruptedAndStepsNoMore() throws Exception {
    List<Boolean> interruptedAfterStop = new ArrayList<>();
    AgentRuntime[] runtime = new AgentRuntime[1];
    PeriodicComponent stoppedMidStep =
        new Recorder("busy", Duration.ZERO) {
          @Override
          public Duration step() throws Exception {
            super.step();
            Thread signal = new Thread(runtime[0]::stop, "signal");
            signal.start();
            signal.join();
            interruptedAfterStop.add(Thread.currentThread().isInterrupted());
            return Duration.ZERO;
          }
        };
    runtime[0] = runtime(stoppedMidStep);

    runtime[0].run();

    assertThat(interruptedAfterStop).containsExactly(false);
    assertThat(events).containsExactly("start busy", "busy@0", "stop busy");
  }

  @Test
  void aStepThatThrowsIsLoggedAndRetriedAfterACappedBackoffWhileTheOthersKeepRunning()
      throws Exception {
    Iterator<Boolean> fails = List.of(true, true, true, false, true, false, false).iterator();
    Recorder flaky =
        new Recorder("flaky", Duration.ofSeconds(5)) {
          @Override
          public Duration step() throws Exception {
            super.step();
            if (fails.next()) {
              throw new IllegalStateException("boom");
            }
            return every;
          }
        };
    IntFunction<Duration> doublingTo30s =
        n -> Duration.ofSeconds(Math.min(10L << (n - 1), 30L)); // 10, 20, 30, 30, ...
    AgentRuntime runtime =
        new AgentRuntime(
            List.of(flaky, new Recorder("steady", Duration.ofSeconds(7))),
            clock,
            clock::sleep,
            doublingTo30s);
    clock.whenSlept(Duration.ofSeconds(76), runtime::stop);

    try (CapturedLogs logs = CapturedLogs.of("agent")) {
      runtime.run();

      assertThat(logs.lines())
          .filteredOn(l -> l.startsWith("ERROR"))
          .containsExactly(
              "ERROR flaky failed: java.lang.IllegalStateException: boom; retrying in 10s",
              "ERROR flaky failed: java.lang.IllegalStateException: boom; retrying in 20s",
              "ERROR flaky failed: java.lang.IllegalStateException: boom; retrying in 30s",
              "ERROR flaky failed: java.lang.IllegalStateException: boom; retrying in 10s");
    }
    assertThat(events.stream().filter(e -> e.startsWith("flaky@")))
        .as("backoff 10, 20, then capped at 30; a success resets it")
        .containsExactly("flaky@0", "flaky@10", "flaky@30", "flaky@60", "flaky@65", "flaky@75");
    assertThat(events.stream().filter(e -> e.startsWith("steady@")))
        .containsExactly(
            "steady@0",
            "steady@7",
            "steady@14",
            "steady@21",
            "steady@28",
            "steady@35",
            "steady@42",
            "steady@49",
            "steady@56",
            "steady@63",
            "steady@70");
  }

  @Test
  void aComponentThatFailsToStartFailsTheRunAfterStoppingTheOnesStartedBeforeIt() {
    Component broken =
        new Component() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public void start() {
            events.add("start broken");
            throw new IllegalStateException("port in use");
          }
        };
    AgentRuntime runtime = runtime(new Recorder("a", Duration.ofSeconds(1)), broken, plain("c"));

    assertThatThrownBy(runtime::run).hasMessage("port in use");
    assertThat(events).containsExactly("start a", "start broken", "stop a");
  }

  @Test
  void aComponentThatFailsToStopDoesNotKeepTheOthersFromStopping() throws Exception {
    Component failsToStop =
        new Component() {
          @Override
          public String name() {
            return "stubborn";
          }

          @Override
          public void stop() {
            throw new IllegalStateException("still busy");
          }
        };
    AgentRuntime runtime = runtimeUntil(Duration.ofSeconds(1), plain("a"), failsToStop);

    try (CapturedLogs logs = CapturedLogs.of("agent")) {
      runtime.run();
      assertThat(logs.lines())
          .contains("ERROR stopping stubborn failed: java.lang.IllegalStateException: still busy");
    }
    assertThat(events).containsExactly("start a", "stop a");
    assertThat(runtime.awaitStopped(Duration.ZERO)).isTrue();
  }

  @Test
  void aStopBeforeTheRunStartsAndStopsEveryComponentWithoutAStep() throws Exception {
    AgentRuntime runtime = runtime(plain("a"), new Recorder("b", Duration.ofSeconds(1)));

    runtime.stop();
    runtime.run();

    assertThat(events).containsExactly("start a", "start b", "stop b", "stop a");
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void withNothingPeriodicItOnlyWaitsForTheStop() throws Exception {
    runtimeUntil(Duration.ofDays(2), plain("a")).run();

    assertThat(clock.sleeps()).containsExactly(Duration.ofDays(1), Duration.ofDays(1));
    assertThat(events).containsExactly("start a", "stop a");
  }

  @Test
  void runsOnce() throws Exception {
    AgentRuntime runtime = runtime();
    runtime.stop();
    runtime.run();

    assertThatThrownBy(runtime::run).isInstanceOf(IllegalStateException.class);
  }

  private static void runQuietly(AgentRuntime runtime) {
    try {
      runtime.run();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
