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
    assertThat(store.lifecycle).containsOnlyKeys("tok-4.1");
  }

  @Test
  void aControllerRestartedWhileItsHookRanRunsItAgainAsTheNextAttempt() throws Exception {
    // ctl-a claimed the action and died while the hook ran: the record still says CLAIMED.
    store.createLifecycleRecord(
        "tok-9.1",
        ActionRecord.claimed("tok-9", 1, "ctl-a", clock.instant().plus(Duration.ofMinutes(5)))
            .toJson());
    queue.send(Messages.direct(LAUNCHING, "i-9", "tok-9"));
    assertThat(deliver(handler())).isEqualTo(Handled.COMPLETED); // at once: it is its own claim
    assertThat(processes.only().env()).containsEntry("MUSTER_ATTEMPT", "2");
    assertThat(ActionRecord.fromJson(store.lifecycle.get("tok-9.2"), "t").state())
        .isEqualTo(ActionRecord.State.DONE);
  }

  @Test
  void aLiveClaimOfAnotherControllerIsLeftAndALapsedOneIsTakenOverFromWhereItGot()
      throws Exception {
    String body = Messages.direct(TERMINATING, "i-5", "tok-5");
    ActionRecord other =
        ActionRecord.claimed("tok-5", 1, "ctl-dead", clock.instant().plus(Duration.ofMinutes(5)))
            .hooksDone(LifecycleResult.CONTINUE, clock.instant().plus(Duration.ofMinutes(5)));
    store.createLifecycleRecord("tok-5.1", other.toJson());
    queue.send(body);
    assertThat(deliver(handler())).isEqualTo(Handled.LEFT);
    clock.advance(Duration.ofMinutes(6));
    assertThat(deliver(handler())).isEqualTo(Handled.COMPLETED);
    assertThat(processes.commands())
        .as("the hook had run before the other controller died")
        .isEmpty();
    assertThat(ActionRecord.fromJson(store.lifecycle.get("tok-5.2"), "t").owner())
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
    assertThat(handler().sweep()).isEqualTo(2); // tok-old.1 and i-1.terminating
    assertThat(store.lifecycle).containsOnlyKeys("tok-open.1", "tok-new.1", "i-2.terminating");
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
