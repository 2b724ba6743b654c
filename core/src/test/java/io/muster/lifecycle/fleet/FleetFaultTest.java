package io.muster.lifecycle.fleet;

import static io.muster.lifecycle.fleet.Messages.LAUNCHING;
import static io.muster.lifecycle.fleet.Messages.TERMINATING;
import static org.assertj.core.api.Assertions.assertThat;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.StoreException;
import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleActions;
import io.muster.lifecycle.LifecycleResult;
import io.muster.process.ProcessRunner;
import io.muster.process.RecordingProcessRunner;
import io.muster.testing.ManualClock;
import io.muster.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Bounded randomized faults against the controller logic: messages duplicated, delayed, reordered
 * and dropped (a receive whose answer is lost: the message stays hidden until its visibility
 * timeout), three controllers on one queue, each killed at random points (before or after any call
 * to the queue, the store, the lifecycle API or a hook command) and restarted. Every action must be
 * completed exactly once and none lost; a hook command may run twice for one action only when the
 * controller running it was killed while it ran or before its end was recorded (the store write
 * right after it).
 */
class FleetFaultTest {
  static final int SEEDS = 60;
  static final int INSTANCES = 12;

  /** The controller dies here. */
  static final class Crash extends RuntimeException {
    Crash() {
      super("killed (test)", null, false, false);
    }
  }

  /** Decides, call by call, whether the controller dies before or after it. */
  static final class Killer {
    final Random random;
    final double p;
    final Map<String, Integer> killedInHook;
    int kills;

    /**
     * The action whose hook command started and whose end is not recorded yet: a kill now means the
     * hook runs again (the one window the docs name).
     */
    String hookWindow;

    Killer(Random random, double p, Map<String, Integer> killedInHook) {
      this.random = random;
      this.p = p;
      this.killedInHook = killedInHook;
    }

    Crash crash() {
      kills++;
      if (hookWindow != null) {
        killedInHook.merge(hookWindow, 1, Integer::sum);
        hookWindow = null;
      }
      return new Crash();
    }

    <T> T call(Supplier<T> effect) {
      if (random.nextDouble() < p / 2) {
        throw crash();
      }
      T t = effect.get();
      if (random.nextDouble() < p / 2) {
        throw crash();
      }
      return t;
    }

    void run(Runnable effect) {
      call(
          () -> {
            effect.run();
            return null;
          });
    }
  }

  interface StoreCall<T> {
    T get() throws StoreException;
  }

  static <T> T store(Killer k, StoreCall<T> c) throws StoreException {
    try {
      return k.call(
          () -> {
            try {
              return c.get();
            } catch (StoreException e) {
              throw new IllegalStateException(e);
            }
          });
    } catch (IllegalStateException e) {
      throw (StoreException) e.getCause();
    }
  }

  /** The shared store, seen through one controller's killer. */
  static CredentialStore killable(CredentialStore s, Killer k) {
    return new CredentialStore() {
      public Optional<FormationRecord> currentFormation() throws StoreException {
        return s.currentFormation();
      }

      public boolean claimFormation(FormationRecord r) throws StoreException {
        return s.claimFormation(r);
      }

      public void putCredentials(long g, Credentials c) throws StoreException {
        s.putCredentials(g, c);
      }

      public Optional<Credentials> credentials(long g) throws StoreException {
        return s.credentials(g);
      }

      public void registerMember(MemberRecord m) throws StoreException {
        s.registerMember(m);
      }

      public void deregisterMember(String id) throws StoreException {
        store(
            k,
            () -> {
              s.deregisterMember(id);
              return null;
            });
      }

      public List<MemberRecord> members() throws StoreException {
        return s.members();
      }

      public Optional<MemberRecord> member(String id) throws StoreException {
        return store(k, () -> s.member(id));
      }

      public boolean createLifecycleRecord(String name, String json) throws StoreException {
        return store(k, () -> s.createLifecycleRecord(name, json));
      }

      public void putLifecycleRecord(String name, String json) throws StoreException {
        store(
            k,
            () -> {
              s.putLifecycleRecord(name, json);
              return null;
            });
        if (json.contains("\"HOOKS_DONE\"")) {
          k.hookWindow = null; // the hook's end is recorded: a kill from now on reruns nothing
        }
      }

      public Optional<String> lifecycleRecord(String name) throws StoreException {
        return store(k, () -> s.lifecycleRecord(name));
      }

      public boolean holdsLifecycleRecords() {
        return true;
      }

      public String describe() {
        return s.describe();
      }
    };
  }

  /** An action as the API knows it, whatever named it (token or instance id). */
  static LifecycleAction action(String instance, io.muster.lifecycle.LifecycleTransition t) {
    return new LifecycleAction(
        "salt-minions",
        t == io.muster.lifecycle.LifecycleTransition.LAUNCHING ? "launch-hook" : "terminate-hook",
        instance,
        t,
        Optional.empty());
  }

  static ActionQueue killable(ActionQueue q, Killer k) {
    return new ActionQueue() {
      public List<Message> receive(int max, Duration wait, Duration visibility) {
        return k.call(() -> q.receive(max, wait, visibility));
      }

      public void delete(Message m) {
        k.run(() -> q.delete(m));
      }

      public void changeVisibility(Message m, Duration visibility) {
        k.run(() -> q.changeVisibility(m, visibility));
      }

      public boolean deadLetter(Message m, String reason) {
        return k.call(() -> q.deadLetter(m, reason));
      }

      public String describe() {
        return q.describe();
      }
    };
  }

  static LifecycleActions killable(LifecycleActions a, Killer k) {
    return new LifecycleActions() {
      public Outcome complete(LifecycleAction action, LifecycleResult result) {
        return k.call(() -> a.complete(action, result));
      }

      public Outcome heartbeat(LifecycleAction action) {
        return k.call(() -> a.heartbeat(action));
      }
    };
  }

  record Totals(
      int actions,
      int messages,
      int duplicated,
      int delayed,
      int dropped,
      int kills,
      int killedDuringHook,
      int hookRuns,
      int hookReruns,
      int completions,
      int lost,
      int reconciles,
      int completedByReconcile) {}

  @Test
  void everyActionIsCompletedExactlyOnceAndNoneIsLostWhateverTheFaults() throws Exception {
    int[] sum = new int[10];
    for (int seed = 1; seed <= SEEDS; seed++) {
      Totals t = run(seed, false);
      int[] v = {
        t.actions(),
        t.messages(),
        t.duplicated(),
        t.delayed(),
        t.dropped(),
        t.kills(),
        t.killedDuringHook(),
        t.hookRuns(),
        t.hookReruns(),
        t.completions()
      };
      for (int i = 0; i < v.length; i++) {
        sum[i] += v[i];
      }
    }
    System.out.printf(
        "fleet fault test, %d seeds: %d actions, %d messages sent, %d duplicated, %d delayed,"
            + " %d receives dropped, %d controller kills (%d during a hook command), %d hook runs"
            + " (%d reruns), %d completions accepted%n",
        SEEDS, sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7], sum[8], sum[9]);
    assertThat(sum[9]).isEqualTo(sum[0]);
    // The faults really happened (a test whose faults never fire proves nothing).
    assertThat(sum[2]).isPositive();
    assertThat(sum[3]).isPositive();
    assertThat(sum[4]).isPositive();
    assertThat(sum[5]).isPositive();
    assertThat(sum[6]).isPositive();
  }

  /**
   * The same faults, and besides a quarter of the notifications never arrive (dead-lettered,
   * expired, a dropped SNS delivery): now and then a controller runs the reconcile, which may be
   * killed like any step. Every action is still completed exactly once, the lost ones by the
   * reconcile; no hook runs twice except after a kill.
   */
  @Test
  void withTheReconcileLostNotificationsAreCompletedAndNothingTwice() throws Exception {
    int[] sum = new int[13];
    for (int seed = 1; seed <= SEEDS; seed++) {
      Totals t = run(seed, true);
      int[] v = {
        t.actions(),
        t.messages(),
        t.lost(),
        t.duplicated(),
        t.delayed(),
        t.dropped(),
        t.kills(),
        t.killedDuringHook(),
        t.hookRuns(),
        t.hookReruns(),
        t.completions(),
        t.reconciles(),
        t.completedByReconcile()
      };
      for (int i = 0; i < v.length; i++) {
        sum[i] += v[i];
      }
    }
    System.out.printf(
        "fleet fault test with reconcile, %d seeds: %d actions, %d messages sent, %d"
            + " notifications lost, %d duplicated, %d delayed, %d receives dropped, %d controller"
            + " kills (%d during a hook command), %d hook runs (%d reruns), %d completions accepted,"
            + " %d reconcile runs, %d completions by the reconcile%n",
        SEEDS, sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7], sum[8], sum[9],
        sum[10], sum[11], sum[12]);
    assertThat(sum[10]).isEqualTo(sum[0]);
    assertThat(sum[2]).isPositive();
    assertThat(sum[12]).as("the reconcile completed actions").isPositive();
    assertThat(sum[12])
        .as("the reconcile also raced messages of actions it found (it got some first)")
        .isGreaterThan(sum[2] / 2);
    assertThat(sum[7]).isPositive();
  }

  Totals run(int seed, boolean loseAndReconcile) throws Exception {
    Random random = new Random(seed);
    ManualClock clock = new ManualClock();
    InMemoryActionQueue queue = new InMemoryActionQueue(clock, true, random);
    InMemoryCredentialStore store = new InMemoryCredentialStore();
    RecordingLifecycleActions api = new RecordingLifecycleActions();
    List<String> bodies = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      String instance = "i-" + seed + "x" + i;
      keys.add("L" + seed + "-" + i);
      bodies.add(Messages.direct(LAUNCHING, instance, "L" + seed + "-" + i));
      keys.add("T" + seed + "-" + i);
      bodies.add(
          i % 2 == 0
              ? Messages.sns(Messages.direct(TERMINATING, instance, "T" + seed + "-" + i))
              : Messages.eventBridge(TERMINATING, instance, "T" + seed + "-" + i)
                  // one hook per transition in this group, whichever way its notices come
                  .replace("my-lifecycle-hook", "terminate-hook"));
    }
    Collections.shuffle(bodies, random); // reordered: a terminate may come before its launch
    int lost = 0;
    for (String b : bodies) {
      if (loseAndReconcile && random.nextInt(4) == 0) {
        lost++; // never arrives
      } else {
        queue.send(b);
      }
    }
    // What DescribeAutoScalingGroups shows: an instance waits on its launch hook until that is
    // completed, then on its terminate hook, then has left the group.
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      instances.add("i-" + seed + "x" + i);
    }
    GroupLifecycle group =
        new GroupLifecycle() {
          public Map<String, String> instanceStates(String g) {
            Map<String, String> states = new java.util.TreeMap<>();
            for (String id : instances) {
              if (!api.completed(action(id, io.muster.lifecycle.LifecycleTransition.LAUNCHING))) {
                states.put(id, "Pending:Wait");
              } else if (!api.completed(
                  action(id, io.muster.lifecycle.LifecycleTransition.TERMINATING))) {
                states.put(id, "Terminating:Wait");
              }
            }
            return states;
          }

          public List<Hook> hooks(String g) {
            return List.of(
                new Hook("launch-hook", io.muster.lifecycle.LifecycleTransition.LAUNCHING, ""),
                new Hook(
                    "terminate-hook", io.muster.lifecycle.LifecycleTransition.TERMINATING, ""));
          }
        };
    int reconciles = 0;

    Map<String, Integer> hookRuns = new HashMap<>();
    Map<String, Integer> killedInHook = new HashMap<>();
    int[] dropped = {0};
    Killer[] killers = new Killer[3];
    MessageHandler[] controllers = new MessageHandler[3];
    ControllerSettings settings = ControllerSettings.from(MessageHandlerTest.settings(), "unused");
    for (int c = 0; c < 3; c++) {
      killers[c] = new Killer(random, 0.03, killedInHook);
    }
    for (int c = 0; c < 3; c++) {
      Killer k = killers[c];
      ProcessRunner hooks =
          cmd -> {
            String key = cmd.env().get("MUSTER_INSTANCE_ID") + cmd.env().get("MUSTER_TRANSITION");
            hookRuns.merge(key, 1, Integer::sum);
            k.hookWindow = key;
            if (random.nextDouble() < 0.05) {
              throw k.crash(); // killed while the hook command ran
            }
            return RecordingProcessRunner.ok("");
          };
      controllers[c] =
          new MessageHandler(
              new ControllerSettings(
                  settings.queueUrl(),
                  settings.deadLetterQueueUrl(),
                  settings.launchCommand(),
                  settings.terminateCommand(),
                  settings.hookTimeout(),
                  settings.launchFailureResult(),
                  settings.terminateFailureResult(),
                  settings.removeMembers(),
                  settings.visibilityTimeout(),
                  settings.waitTime(),
                  3,
                  settings.claimLease(),
                  Duration.ofSeconds(6),
                  settings.heartbeatInterval(),
                  settings.retention(),
                  "ctl-" + c,
                  Duration.ZERO,
                  settings.groups(),
                  settings.reconcileInterval()),
              killable(queue, k),
              killable(store, k),
              killable(api, k),
              hooks,
              Optional.empty(),
              clock,
              clock::sleep,
              Sleeper.SYSTEM);
    }
    boolean[] down = new boolean[3];
    for (int tick = 0;
        tick < 20_000 && (queue.size() > 0 || api.accepted().size() < keys.size());
        tick++) {
      clock.advance(Duration.ofSeconds(1 + random.nextInt(10)));
      int c = random.nextInt(3);
      if (down[c]) {
        down[c] = random.nextInt(4) != 0; // restarts after a while, under the same name
        continue;
      }
      try {
        if (loseAndReconcile && random.nextInt(8) == 0) {
          reconciles++;
          Killer k = killers[c];
          List<Notification.Action> waiting =
              k.call(
                  () ->
                      Reconciler.waiting(
                          "salt-minions", group.instanceStates("salt-minions"), group.hooks("")));
          for (Notification.Action a : waiting) {
            controllers[c].reconcile(a);
          }
          continue;
        }
        List<ActionQueue.Message> batch =
            killable(queue, killers[c]).receive(3, Duration.ZERO, Duration.ofSeconds(60));
        if (!batch.isEmpty() && random.nextInt(15) == 0) {
          dropped[0]++; // the answer was lost: the messages stay hidden, then come back
          continue;
        }
        for (int i = 0; i < batch.size(); i++) {
          controllers[c].handle(batch.get(i), batch.subList(i + 1, batch.size()));
        }
      } catch (Crash e) {
        down[c] = true;
        killers[c].hookWindow = null;
      }
    }
    assertThat(queue.size()).as("seed %d: messages left", seed).isZero();
    assertThat(queue.deadLetters()).as("seed %d", seed).isEmpty();
    List<String> completed = api.acceptedIdentities();
    assertThat(completed).as("seed %d: each action completed once", seed).doesNotHaveDuplicates();
    assertThat(completed)
        .as("seed %d: none lost", seed)
        .containsExactlyInAnyOrderElementsOf(
            keys.stream()
                .map(
                    k ->
                        RecordingLifecycleActions.identity(
                            action(
                                "i-" + seed + "x" + k.substring(k.indexOf('-') + 1),
                                k.startsWith("L")
                                    ? io.muster.lifecycle.LifecycleTransition.LAUNCHING
                                    : io.muster.lifecycle.LifecycleTransition.TERMINATING)))
                .toList());
    int byReconcile =
        (int)
            api.accepted().stream()
                .filter(a -> !a.actionKey().startsWith("L") && !a.actionKey().startsWith("T"))
                .count();
    int reruns = 0;
    for (Map.Entry<String, Integer> e : hookRuns.entrySet()) {
      int killed = killedInHook.getOrDefault(e.getKey(), 0);
      assertThat(e.getValue())
          .as("seed %d: %s ran again only after a kill during a run", seed, e.getKey())
          .isLessThanOrEqualTo(1 + killed);
      reruns += e.getValue() - 1;
    }
    int kills = 0;
    for (Killer k : killers) {
      kills += k.kills;
    }
    return new Totals(
        keys.size(),
        keys.size() + queue.duplicated,
        queue.duplicated,
        queue.delayed,
        dropped[0],
        kills,
        killedInHook.values().stream().mapToInt(Integer::intValue).sum(),
        hookRuns.values().stream().mapToInt(Integer::intValue).sum(),
        reruns,
        completed.size(),
        lost,
        reconciles,
        byReconcile);
  }
}
