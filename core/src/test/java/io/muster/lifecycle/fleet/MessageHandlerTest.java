package io.muster.lifecycle.fleet;

import static io.muster.lifecycle.fleet.Messages.LAUNCHING;
import static io.muster.lifecycle.fleet.Messages.TERMINATING;
import static io.muster.process.RecordingProcessRunner.rc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.adapter.MemberRemover;
import io.muster.config.ConfigException;
import io.muster.config.Settings;
import io.muster.credentials.InMemoryCredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.fleet.MessageHandler.Handled;
import io.muster.lifecycle.fleet.RecordingLifecycleActions.Completion;
import io.muster.model.Peer;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.RecordingProcessRunner;
import io.muster.testing.ManualClock;
import io.muster.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageHandlerTest {
  final ManualClock clock = new ManualClock();
  final InMemoryCredentialStore store = new InMemoryCredentialStore();
  final InMemoryActionQueue queue = new InMemoryActionQueue(clock, true, null);
  final RecordingLifecycleActions actions = new RecordingLifecycleActions();
  final RecordingProcessRunner processes = new RecordingProcessRunner();
  final List<String> removed = new ArrayList<>();
  final MemberRemover remover =
      new MemberRemover() {
        @Override
        public String name() {
          return "recording";
        }

        @Override
        public void remove(Peer member) throws AdapterException {
          removed.add(member.instanceId() + "@" + member.address().getHostAddress());
        }
      };

  static Settings settings(String... kv) {
    Settings s =
        Settings.empty()
            .with(FleetControllerKeys.QUEUE_URL, "http://127.0.0.1:9/queue/hooks")
            .with(
                FleetControllerKeys.LAUNCH_COMMAND, "salt-key", "-y", "-a", "${MUSTER_INSTANCE_ID}")
            .with(
                FleetControllerKeys.TERMINATE_COMMAND,
                "salt-key",
                "-y",
                "-d",
                "${MUSTER_INSTANCE_ID}");
    for (int i = 0; i < kv.length; i += 2) {
      String name = kv[i];
      s =
          s.with(
              new FleetControllerKeys()
                  .keys().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow(),
              kv[i + 1]);
    }
    return s;
  }

  MessageHandler handler(String id, Settings s) {
    return new MessageHandler(
        ControllerSettings.from(s, id),
        queue,
        store,
        actions,
        processes,
        Optional.of(remover),
        clock,
        clock::sleep,
        Sleeper.SYSTEM);
  }

  MessageHandler handler() {
    return handler("ctl-a", settings());
  }

  Handled deliver(MessageHandler h) throws Exception {
    List<ActionQueue.Message> got = queue.receive(1, Duration.ZERO, Duration.ofSeconds(60));
    assertThat(got).hasSize(1);
    return h.handle(got.get(0), List.of());
  }

  @Test
  void aLaunchRunsItsCommandWithTheActionInArgvAndEnvThenContinuesAndDeletes() throws Exception {
    queue.send(Messages.direct(LAUNCHING, "i-0abc", "tok-1"));
    assertThat(deliver(handler())).isEqualTo(Handled.COMPLETED);
    Command c = processes.only();
    assertThat(c.argv()).containsExactly("salt-key", "-y", "-a", "i-0abc");
    assertThat(c.env())
        .containsEntry("MUSTER_INSTANCE_ID", "i-0abc")
        .containsEntry("MUSTER_GROUP", "salt-minions")
        .containsEntry("MUSTER_TRANSITION", "launching")
        .containsEntry("MUSTER_LIFECYCLE_TRANSITION", LAUNCHING)
        .containsEntry("MUSTER_HOOK_NAME", "launch-hook")
        .containsEntry("MUSTER_NOTIFICATION_METADATA", "role=minion")
        .containsEntry("MUSTER_ORIGIN", "EC2")
        .containsEntry("MUSTER_ATTEMPT", "1")
        .doesNotContainValue("tok-1");
    assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(actions.accepted())
        .containsExactly(new Completion("tok-1", LifecycleResult.CONTINUE));
    assertThat(queue.size()).isZero();
  }

  @Test
  void aFailedLaunchCommandAbandonsByDefaultAndContinuesWhenConfigured() throws Exception {
    processes.on("salt-key -y -a i-1", rc(1, "no such minion"));
    queue.send(Messages.direct(LAUNCHING, "i-1", "tok-1"));
    deliver(handler());
    processes.fail("salt-key -y -a i-2", new CommandException("timed out after 10m"));
    queue.send(Messages.direct(LAUNCHING, "i-2", "tok-2"));
    deliver(handler("ctl-b", settings("lifecycle.controller.launch-failure-result", "CONTINUE")));
    assertThat(actions.accepted())
        .containsExactly(
            new Completion("tok-1", LifecycleResult.ABANDON),
            new Completion("tok-2", LifecycleResult.CONTINUE));
  }

  @Test
  void aTerminateRunsItsCommandRemovesTheMemberDeregistersAndContinuesEvenWhenTheCommandFails()
      throws Exception {
    store.registerMember(
        new MemberRecord("i-7", "10.0.0.7", "ip-10-0-0-7", 1, ManualClock.DEFAULT_START));
    processes.on("salt-key -y -d i-7", rc(2, "boom"));
    queue.send(Messages.sns(Messages.direct(TERMINATING, "i-7", "tok-7")));
    assertThat(deliver(handler())).isEqualTo(Handled.COMPLETED);
    assertThat(processes.only().env()).containsEntry("MUSTER_PRIVATE_ADDRESS", "10.0.0.7");
    assertThat(removed).containsExactly("i-7@10.0.0.7");
    assertThat(store.members).isEmpty();
    assertThat(actions.accepted())
        .containsExactly(new Completion("tok-7", LifecycleResult.CONTINUE));
  }

  @Test
  void aDuplicateOfADoneActionIsDeletedWithoutRunningAnythingAgain() throws Exception {
    String body = Messages.eventBridge(TERMINATING, "i-3", "tok-3");
    queue.send(body);
    queue.send(body);
    MessageHandler h = handler();
    assertThat(deliver(h)).isEqualTo(Handled.COMPLETED);
    assertThat(deliver(handler("ctl-b", settings()))).isEqualTo(Handled.ACKNOWLEDGED);
    assertThat(processes.commands()).hasSize(1);
    assertThat(actions.calls()).hasSize(1);
    assertThat(queue.size()).isZero();
  }

  @Test
  void theTestNotificationIsDeletedAndMalformedGoesToTheDeadLetterQueueWithItsReason()
      throws Exception {
    queue.send(Messages.testNotification());
    assertThat(deliver(handler())).isEqualTo(Handled.ACKNOWLEDGED);
    queue.send(Messages.without(Messages.direct(LAUNCHING, "i-1", "t"), "LifecycleHookName"));
    assertThat(deliver(handler())).isEqualTo(Handled.DEAD_LETTERED);
    assertThat(queue.deadLetters()).containsExactly("LifecycleHookName: missing");
    assertThat(queue.size()).isZero();
    assertThat(processes.commands()).isEmpty();
    assertThat(actions.calls()).isEmpty();
  }

  @Test
  void withoutADeadLetterQueueAMalformedMessageStaysForTheRedrivePolicy() throws Exception {
    InMemoryActionQueue plain = new InMemoryActionQueue(clock, false, null);
    plain.send("{\"hello\":1}");
    MessageHandler h =
        new MessageHandler(
            ControllerSettings.from(settings(), "a"),
            plain,
            store,
            actions,
            processes,
            Optional.empty(),
            clock,
            clock::sleep,
            Sleeper.SYSTEM);
    ActionQueue.Message m = plain.receive(1, Duration.ZERO, Duration.ofSeconds(60)).get(0);
    assertThat(h.handle(m, List.of())).isEqualTo(Handled.DEAD_LETTERED);
    assertThat(plain.size()).isEqualTo(1);
  }

  @Test
  void aCrashBetweenHookAndCompletionResumesWithoutRerunningTheHookAndCompletesOnce()
      throws Exception {
    queue.send(Messages.direct(LAUNCHING, "i-4", "tok-4"));
    actions.failNextCompletions = 1; // the controller "dies" at completion: the call never lands
    assertThat(deliver(handler())).isEqualTo(Handled.LEFT);
    assertThat(queue.size()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(61)); // visibility timeout: the message comes back
    assertThat(deliver(handler())).isEqualTo(Handled.COMPLETED); // same id: a restart
    assertThat(processes.commands()).hasSize(1);
    assertThat(actions.accepted()).hasSize(1);
    // Only the completion was left: the same attempt carried on, no new record.
    assertThat(store.lifecycle).containsOnlyKeys("i-4.LAUNCHING.launch-hook.1");
  }

  @Test
  void aControllerRestartedWhileItsHookRanRunsItAgainAsTheNextAttempt() throws Exception {
    // ctl-a claimed the action and died while the hook ran: the record still says CLAIMED.
    store.createLifecycleRecord(
        "i-9.LAUNCHING.launch-hook.1",
        ActionRecord.claimed(
                "i-9.LAUNCHING.launch-hook",
                1,
                "ctl-a",
                clock.instant().plus(Duration.ofMinutes(5)))
            .toJson());
    queue.send(Messages.direct(LAUNCHING, "i-9", "tok-9"));
    assertThat(deliver(handler())).isEqualTo(Handled.COMPLETED); // at once: it is its own claim
    assertThat(processes.only().env()).containsEntry("MUSTER_ATTEMPT", "2");
    assertThat(
            ActionRecord.fromJson(store.lifecycle.get("i-9.LAUNCHING.launch-hook.2"), "t").state())
        .isEqualTo(ActionRecord.State.DONE);
  }

  @Test
  void aLiveClaimOfAnotherControllerIsLeftAndALapsedOneIsTakenOverFromWhereItGot()
      throws Exception {
    String body = Messages.direct(TERMINATING, "i-5", "tok-5");
    String t5 = "i-5.TERMINATING.terminate-hook";
    ActionRecord other =
        ActionRecord.claimed(t5, 1, "ctl-dead", clock.instant().plus(Duration.ofMinutes(5)))
            .hooksDone(LifecycleResult.CONTINUE, clock.instant().plus(Duration.ofMinutes(5)));
    store.createLifecycleRecord(t5 + ".1", other.toJson());
    queue.send(body);
    assertThat(deliver(handler())).isEqualTo(Handled.LEFT);
    clock.advance(Duration.ofMinutes(6));
    assertThat(deliver(handler())).isEqualTo(Handled.COMPLETED);
    assertThat(processes.commands())
        .as("the hook had run before the other controller died")
        .isEmpty();
    assertThat(ActionRecord.fromJson(store.lifecycle.get(t5 + ".2"), "t").owner())
        .isEqualTo("ctl-a");
  }

  @Test
  void aLaunchThatArrivesAfterItsInstancesTerminateIsAbandonedWithoutItsHook() throws Exception {
    queue.send(Messages.direct(TERMINATING, "i-6", "tok-t"));
    deliver(handler());
    queue.send(Messages.direct(LAUNCHING, "i-6", "tok-l"));
    deliver(handler());
    assertThat(processes.lines()).containsExactly("salt-key -y -d i-6");
    assertThat(actions.accepted())
        .containsExactly(
            new Completion("tok-t", LifecycleResult.CONTINUE),
            new Completion("tok-l", LifecycleResult.ABANDON));
  }

  @Test
  void noActiveActionIsRetriedForGoneAfterThenTheActionCountsAsGone() throws Exception {
    actions.expired("tok-8");
    queue.send(Messages.direct(TERMINATING, "i-8", "tok-8"));
    assertThat(deliver(handler())).isEqualTo(Handled.GONE);
    // Every 5 s from 0 to 30 s (gone-after), then gone.
    assertThat(actions.calls()).hasSize(7);
    assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(30));
    assertThat(queue.size()).isZero();
  }

  @Test
  void recordsOfActionsDoneLongerThanTheRetentionAgoAreSweptAndNoOthers() throws Exception {
    queue.send(Messages.direct(TERMINATING, "i-1", "tok-old"));
    deliver(handler());
    // An action claimed by a controller that died: not done, never swept.
    store.createLifecycleRecord(
        "tok-open.1",
        ActionRecord.claimed("tok-open", 1, "ctl-x", clock.instant().plus(Duration.ofMinutes(5)))
            .toJson());
    clock.advance(Duration.ofDays(10));
    queue.send(Messages.direct(TERMINATING, "i-2", "tok-new"));
    deliver(handler());
    assertThat(handler().sweep()).isZero(); // 10 days < 14 days
    clock.advance(Duration.ofDays(5));
    assertThat(handler().sweep()).isEqualTo(2); // i-1's record and i-1.terminating
    assertThat(store.lifecycle)
        .containsOnlyKeys("tok-open.1", "i-2.TERMINATING.terminate-hook.1", "i-2.terminating");
  }

  /** What the reconcile hands over for an instance it found waiting: no token, no message. */
  static Notification.Action found(String instance, io.muster.lifecycle.LifecycleTransition t) {
    boolean launch = t == io.muster.lifecycle.LifecycleTransition.LAUNCHING;
    return new Notification.Action(
        new io.muster.lifecycle.LifecycleAction(
            "salt-minions",
            launch ? "launch-hook" : "terminate-hook",
            instance,
            t,
            Optional.empty()),
        "role=minion",
        Notification.Shape.RECONCILE,
        java.util.Map.of());
  }

  @Test
  void theReconcileActsOnAnActionWithoutRecordAndItsLateMessageIsThenADuplicate() throws Exception {
    Notification.Action lost = found("i-20", io.muster.lifecycle.LifecycleTransition.LAUNCHING);
    assertThat(handler().reconcile(lost)).isEqualTo(Handled.COMPLETED);
    assertThat(processes.lines()).containsExactly("salt-key -y -a i-20");
    // Completed by instance id: the reconcile has no token.
    assertThat(actions.accepted())
        .containsExactly(new Completion("i-20.LAUNCHING", LifecycleResult.CONTINUE));
    // The notification was only late: it arrives now, and nothing runs again.
    queue.send(Messages.direct(LAUNCHING, "i-20", "tok-20"));
    assertThat(deliver(handler("ctl-b", settings()))).isEqualTo(Handled.ACKNOWLEDGED);
    assertThat(processes.commands()).hasSize(1);
    assertThat(actions.calls()).hasSize(1);
    assertThat(queue.size()).isZero();
    // A second reconcile while the API still shows the wait state: left alone.
    assertThat(handler().reconcile(lost)).isEqualTo(Handled.ACKNOWLEDGED);
    assertThat(actions.calls()).hasSize(1);
  }

  @Test
  void theReconcileLeavesAnActionAMessageIsBeingWorkedOnOrHasDone() throws Exception {
    // ctl-b received the message and holds a live claim on the action (its hook runs).
    store.createLifecycleRecord(
        "i-21.TERMINATING.terminate-hook.1",
        ActionRecord.claimed(
                "i-21.TERMINATING.terminate-hook",
                1,
                "ctl-b",
                clock.instant().plus(Duration.ofMinutes(5)),
                Optional.of("tok-21"))
            .toJson());
    Notification.Action waiting =
        found("i-21", io.muster.lifecycle.LifecycleTransition.TERMINATING);
    assertThat(handler().reconcile(waiting)).isEqualTo(Handled.LEFT);
    assertThat(processes.commands()).isEmpty();
    assertThat(actions.calls()).isEmpty();
    // A message done a moment ago (the API may still show the wait state): left alone too.
    queue.send(Messages.direct(TERMINATING, "i-22", "tok-22"));
    assertThat(deliver(handler())).isEqualTo(Handled.COMPLETED);
    clock.advance(Duration.ofMinutes(1));
    assertThat(
            handler().reconcile(found("i-22", io.muster.lifecycle.LifecycleTransition.TERMINATING)))
        .isEqualTo(Handled.ACKNOWLEDGED);
    assertThat(actions.calls()).hasSize(1);
  }

  @Test
  void anotherTokenForADoneActionIsANewCycleOfTheInstance() throws Exception {
    // A warm-pool instance launches again later: same instance, transition and hook.
    queue.send(Messages.direct(LAUNCHING, "i-23", "tok-a"));
    assertThat(deliver(handler())).isEqualTo(Handled.COMPLETED);
    queue.send(Messages.direct(LAUNCHING, "i-23", "tok-a")); // a duplicate
    assertThat(deliver(handler())).isEqualTo(Handled.ACKNOWLEDGED);
    actions.reset("i-23");
    queue.send(Messages.direct(LAUNCHING, "i-23", "tok-b"));
    assertThat(deliver(handler())).isEqualTo(Handled.COMPLETED);
    assertThat(processes.commands()).hasSize(2);
    assertThat(actions.accepted())
        .containsExactly(
            new Completion("tok-a", LifecycleResult.CONTINUE),
            new Completion("tok-b", LifecycleResult.CONTINUE));
    assertThat(store.lifecycle)
        .containsKeys("i-23.LAUNCHING.launch-hook.1", "i-23.LAUNCHING.launch-hook.2");
  }

  @Test
  void aLaunchingInstancesAddressIsLookedUpUntilEc2DescribesIt() throws Exception {
    List<String> asked = new ArrayList<>();
    InstanceAddresses ec2 =
        id -> {
          asked.add(id);
          return asked.size() < 3 ? Optional.empty() : Optional.of("10.0.3.30");
        };
    MessageHandler h =
        new MessageHandler(
            ControllerSettings.from(settings(), "ctl-a"),
            queue,
            store,
            actions,
            processes,
            Optional.of(remover),
            ec2,
            clock,
            clock::sleep,
            Sleeper.SYSTEM);
    queue.send(Messages.direct(LAUNCHING, "i-30", "tok-30"));
    assertThat(h.handle(queue.receive(1, Duration.ZERO, Duration.ofSeconds(60)).get(0), List.of()))
        .isEqualTo(Handled.COMPLETED);
    assertThat(processes.only().env()).containsEntry("MUSTER_PRIVATE_ADDRESS", "10.0.3.30");
    assertThat(asked).containsExactly("i-30", "i-30", "i-30");
    assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void anAddressNeverDescribedOrDeniedLeavesItEmptyAndTheHookStillRuns() throws Exception {
    InstanceAddresses never = id -> Optional.empty();
    InstanceAddresses denied =
        id -> {
          throw new io.muster.lifecycle.LifecycleException(
              "ec2:DescribeInstances was denied", false, null);
        };
    for (InstanceAddresses ec2 : List.of(never, denied)) {
      processes.clear();
      MessageHandler h =
          new MessageHandler(
              ControllerSettings.from(
                  settings("lifecycle.controller.address-wait", "10s"), "ctl-a"),
              queue,
              store,
              actions,
              processes,
              Optional.of(remover),
              ec2,
              clock,
              clock::sleep,
              Sleeper.SYSTEM);
      String id = ec2 == never ? "i-31" : "i-32";
      queue.send(Messages.direct(LAUNCHING, id, "tok-" + id));
      assertThat(
              h.handle(queue.receive(1, Duration.ZERO, Duration.ofSeconds(60)).get(0), List.of()))
          .isEqualTo(Handled.COMPLETED);
      assertThat(processes.only().env()).containsEntry("MUSTER_PRIVATE_ADDRESS", "");
    }
    assertThat(clock.slept()).as("asked for 10s, every 2s").isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void settingsNameTheKeyAtFault() {
    assertThatThrownBy(
            () ->
                ControllerSettings.from(
                    settings().with(FleetControllerKeys.LAUNCH_COMMAND, "echo", "${HOME}"), "a"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lifecycle.controller.launch-command")
        .hasMessageContaining("${HOME}");
    assertThatThrownBy(
            () ->
                ControllerSettings.from(
                    settings().with(FleetControllerKeys.CLAIM_LEASE, "10s"), "a"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lifecycle.controller.claim-lease");
    assertThatThrownBy(() -> ControllerSettings.from(Settings.empty(), "a"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lifecycle.controller.queue-url is required");
  }
}
