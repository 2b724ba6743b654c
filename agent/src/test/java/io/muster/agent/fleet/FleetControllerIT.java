package io.muster.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.agent.runtime.AgentRuntime;
import io.muster.aws.AwsClients;
import io.muster.aws.AwsService;
import io.muster.aws.discovery.asg.SdkAsgApi;
import io.muster.aws.discovery.ec2.SdkEc2Api;
import io.muster.aws.lifecycle.AutoScalingGroupLifecycle;
import io.muster.aws.lifecycle.AutoScalingLifecycleActions;
import io.muster.aws.lifecycle.Ec2InstanceAddresses;
import io.muster.aws.sqs.SqsActionQueue;
import io.muster.config.Key;
import io.muster.config.Settings;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.file.FileCredentialStore;
import io.muster.lifecycle.LifecycleAction;
import io.muster.lifecycle.LifecycleActions;
import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.fleet.ControllerSettings;
import io.muster.lifecycle.fleet.FleetControllerKeys;
import io.muster.lifecycle.fleet.InstanceAddresses;
import io.muster.process.SystemProcessRunner;
import io.muster.testing.DummyAwsCredentials;
import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAutoScalingLifecycle.Completion;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeEc2;
import io.muster.testing.ManualClock;
import io.muster.time.Sleeper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The fleet controller end to end on real SQS semantics (ElasticMQ, through the real SDK client)
 * and the local Auto Scaling lifecycle API (real Query protocol, through the real SDK client): hook
 * commands are real processes (scripts that record what they were asked), claims live in the file
 * store.
 */
class FleetControllerIT {
  static final String GROUP = "salt-minions";
  static final String LAUNCH_HOOK = "launch-hook";
  static final String TERMINATE_HOOK = "terminate-hook";

  @TempDir Path dir;
  ElasticMq mq;
  FakeAwsQueryServer asgServer;
  FakeAutoScalingLifecycle asg;
  FakeEc2 ec2;
  DummyAwsCredentials credentials;
  AwsClients clients;
  SqsClient sqs;
  String queueUrl;
  String dlqUrl;
  CredentialStore store;
  Path log;
  Path hook;
  final List<Running> running = new ArrayList<>();

  record Running(AgentRuntime runtime, Thread thread) {}

  static {
    // The SDK and ElasticMQ log every request at DEBUG; the controller's own lines are what help.
    for (String noisy :
        new String[] {"software.amazon.awssdk", "org.apache.pekko", "org.elasticmq"}) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(noisy))
          .setLevel(ch.qos.logback.classic.Level.INFO);
    }
  }

  @BeforeEach
  void start() throws Exception {
    mq = new ElasticMq();
    asgServer = FakeAwsQueryServer.start();
    asg =
        new FakeAutoScalingLifecycle(asgServer, new ManualClock())
            .hook(
                GROUP,
                LAUNCH_HOOK,
                FakeAutoScalingLifecycle.LAUNCHING,
                Duration.ofHours(1),
                "ABANDON")
            .hook(
                GROUP,
                TERMINATE_HOOK,
                FakeAutoScalingLifecycle.TERMINATING,
                Duration.ofHours(1),
                "CONTINUE")
            .describesGroups();
    ec2 = new FakeEc2(asgServer);
    credentials = DummyAwsCredentials.install();
    Map<AwsService, URI> endpoints = new EnumMap<>(AwsService.class);
    endpoints.put(AwsService.SQS, mq.endpoint());
    endpoints.put(AwsService.AUTOSCALING, asgServer.endpoint());
    endpoints.put(AwsService.EC2, asgServer.endpoint());
    clients =
        new AwsClients(
            "us-east-1", endpoints, URI.create("http://127.169.254.254"), Duration.ofSeconds(30));
    sqs = clients.sqs();
    dlqUrl = mq.queue(sqs, "hooks-dlq", Map.of());
    queueUrl = mq.queue(sqs, "hooks", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30"));
    store = new FileCredentialStore(dir.resolve("store").resolve("fleet"));
    log = dir.resolve("hooks.log");
    hook = dir.resolve("hook.sh");
    // A stand-in for salt-key: records what it was asked, may take a while, may fail.
    Files.writeString(
        hook,
        "#!/bin/sh\n"
            + "echo \"$MUSTER_TRANSITION $MUSTER_INSTANCE_ID $* hook=$MUSTER_HOOK_NAME"
            + " group=$MUSTER_GROUP meta=$MUSTER_NOTIFICATION_METADATA attempt=$MUSTER_ATTEMPT"
            + " address=$MUSTER_PRIVATE_ADDRESS\""
            + " >> "
            + log
            + "\n"
            + "if [ -f "
            + dir.resolve("slow")
            + " ]; then sleep $(cat "
            + dir.resolve("slow")
            + "); fi\n"
            + "echo \"done $MUSTER_INSTANCE_ID\" >> "
            + log
            + "\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
  }

  @AfterEach
  void stop() throws Exception {
    for (Running r : running) {
      r.runtime().stop();
      r.thread().join(30_000);
    }
    clients.close();
    credentials.close();
    asgServer.close();
    mq.close();
  }

  ControllerSettings settings(String id, String... kv) {
    Settings s =
        Settings.empty()
            .with(FleetControllerKeys.QUEUE_URL, queueUrl)
            .with(FleetControllerKeys.DEAD_LETTER_QUEUE_URL, dlqUrl)
            .with(
                FleetControllerKeys.LAUNCH_COMMAND,
                hook.toString(),
                "accept",
                "${MUSTER_INSTANCE_ID}")
            .with(
                FleetControllerKeys.TERMINATE_COMMAND,
                hook.toString(),
                "delete",
                "${MUSTER_INSTANCE_ID}")
            .with(FleetControllerKeys.VISIBILITY_TIMEOUT, "3s")
            .with(FleetControllerKeys.CLAIM_LEASE, "6s")
            .with(FleetControllerKeys.WAIT_TIME, "1s")
            .with(FleetControllerKeys.GONE_AFTER, "2s")
            // No EC2 lookup unless a test asks (FakeEc2 knows only what a test adds).
            .with(FleetControllerKeys.ADDRESS_WAIT, "0s");
    for (int i = 0; i < kv.length; i += 2) {
      String name = kv[i];
      Key key =
          new FleetControllerKeys()
              .keys().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
      s = s.with(key, kv[i + 1]);
    }
    return ControllerSettings.from(s, id);
  }

  LifecycleActions realActions() {
    return new AutoScalingLifecycleActions(() -> clients);
  }

  Running controller(ControllerSettings settings, LifecycleActions actions) {
    FleetControllers.Parts parts =
        new FleetControllers.Parts(
            settings,
            new SqsActionQueue(() -> sqs, settings.queueUrl(), settings.deadLetterQueueUrl()),
            store,
            actions,
            Optional.empty(),
            settings.addressWait().isZero()
                ? InstanceAddresses.NONE
                : new Ec2InstanceAddresses(new SdkEc2Api(() -> clients)),
            settings.reconciles()
                ? Optional.of(
                    new AutoScalingGroupLifecycle(new SdkAsgApi(() -> clients), () -> clients))
                : Optional.empty());
    AgentRuntime runtime =
        FleetControllers.runtime(
            parts, new SystemProcessRunner(), Clock.systemUTC(), Sleeper.SYSTEM);
    Thread t =
        new Thread(
            () -> {
              try {
                runtime.run();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "controller-" + settings.controllerId());
    t.start();
    Running r = new Running(runtime, t);
    running.add(r);
    return r;
  }

  void halt(Running r) throws InterruptedException {
    r.runtime().stop();
    r.thread().join(30_000);
    running.remove(r);
  }

  void send(String body) {
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
  }

  String launch(String instance) {
    asg.launch(GROUP, instance);
    return asg.token(instance, LAUNCH_HOOK);
  }

  String terminate(String instance) {
    asg.terminate(instance);
    return asg.token(instance, TERMINATE_HOOK);
  }

  /** Messages on the queue, hidden ones included. */
  int onQueue(String url) {
    Map<QueueAttributeName, String> a =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(url)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .attributes();
    return a.values().stream().mapToInt(Integer::parseInt).sum();
  }

  static void await(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
    Instant end = Instant.now().plus(limit);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  List<String> logLines() {
    try {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  List<String> hookRuns() {
    return logLines().stream().filter(l -> !l.startsWith("done ")).toList();
  }

  static String direct(String transition, String hookName, String instance, String token) {
    return "{\"Origin\":\"EC2\",\"Destination\":\"AutoScalingGroup\",\"LifecycleHookName\":\""
        + hookName
        + "\",\"AccountId\":\"336463900088\",\"RequestId\":\"f6e613f0\",\"LifecycleTransition\":\""
        + transition
        + "\",\"AutoScalingGroupName\":\""
        + GROUP
        + "\",\"Service\":\"AWS Auto Scaling\",\"Time\":\"2026-12-10T12:52:08.814Z\","
        + "\"EC2InstanceId\":\""
        + instance
        + "\",\"LifecycleActionToken\":\""
        + token
        + "\",\"NotificationMetadata\":\"role=minion\"}";
  }

  static String sns(String inner) {
    return "{\"Type\":\"Notification\",\"MessageId\":\"c87337ab\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\","
        + "\"Subject\":\"Auto Scaling:  Lifecycle action\",\"Message\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(inner)
        + ",\"Timestamp\":\"2014-12-23T19:17:03.874Z\",\"SignatureVersion\":\"1\"}";
  }

  static String eventBridge(String instance, String token) {
    return "{\"version\":\"0\",\"id\":\"1234\",\"detail-type\":\"EC2 Instance-terminate Lifecycle"
        + " Action\",\"source\":\"aws.autoscaling\",\"account\":\"1\",\"time\":\"2026-12-10T12:52:08Z\","
        + "\"region\":\"us-west-2\",\"resources\":[],\"detail\":{\"LifecycleActionToken\":\""
        + token
        + "\",\"AutoScalingGroupName\":\""
        + GROUP
        + "\",\"LifecycleHookName\":\""
        + TERMINATE_HOOK
        + "\",\"EC2InstanceId\":\""
        + instance
        + "\",\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_TERMINATING\","
        + "\"NotificationMetadata\":\"additional-info\"}}";
  }

  static final String TEST_NOTIFICATION =
      "{\"AccountId\":\"006467937747\",\"RequestId\":\"4781ed87\",\"AutoScalingGroupName\":\""
          + GROUP
          + "\",\"Service\":\"AWS Auto Scaling\",\"Event\":\"autoscaling:TEST_NOTIFICATION\","
          + "\"Time\":\"2019-02-20T20:01:15.747Z\"}";

  List<Completion> completions() {
    return asg.completions();
  }

  @Test
  void allThreeShapesAndTheTestNotificationAreHandledAndEachActionCompletedOnce() throws Exception {
    String t1 = launch("i-0000000000000001");
    String t2 = launch("i-0000000000000002");
    launch("i-0000000000000003");
    asg.completions(); // nothing yet
    send(TEST_NOTIFICATION);
    send(direct(FakeAutoScalingLifecycle.LAUNCHING, LAUNCH_HOOK, "i-0000000000000001", t1));
    send(sns(direct(FakeAutoScalingLifecycle.LAUNCHING, LAUNCH_HOOK, "i-0000000000000002", t2)));
    controller(settings("ctl-a"), realActions());
    await("two launches completed", Duration.ofSeconds(30), () -> completions().size() == 2);
    // The third instance goes in service by hand, then terminates: its terminate comes through
    // EventBridge.
    realActions()
        .complete(
            new LifecycleAction(
                GROUP,
                LAUNCH_HOOK,
                "i-0000000000000003",
                io.muster.lifecycle.LifecycleTransition.LAUNCHING,
                Optional.empty()),
            LifecycleResult.CONTINUE);
    String t3 = terminate("i-0000000000000003");
    send(eventBridge("i-0000000000000003", t3));
    await("the terminate completed", Duration.ofSeconds(30), () -> completions().size() == 4);
    await("the queue drained", Duration.ofSeconds(30), () -> onQueue(queueUrl) == 0);
    assertThat(completions())
        .extracting(c -> c.instanceId() + " " + c.hook() + " " + c.result() + " " + c.byToken())
        .containsExactlyInAnyOrder(
            "i-0000000000000001 launch-hook CONTINUE true",
            "i-0000000000000002 launch-hook CONTINUE true",
            "i-0000000000000003 launch-hook CONTINUE false",
            "i-0000000000000003 terminate-hook CONTINUE true");
    assertThat(hookRuns())
        .containsExactlyInAnyOrder(
            "launching i-0000000000000001 accept i-0000000000000001 hook=launch-hook"
                + " group=salt-minions meta=role=minion attempt=1 address=",
            "launching i-0000000000000002 accept i-0000000000000002 hook=launch-hook"
                + " group=salt-minions meta=role=minion attempt=1 address=",
            "terminating i-0000000000000003 delete i-0000000000000003 hook=terminate-hook"
                + " group=salt-minions meta=additional-info attempt=1 address=");
    assertThat(asg.state("i-0000000000000001")).isEqualTo("InService");
    assertThat(onQueue(dlqUrl)).isZero();
  }

  @Test
  void duplicatesActOnceAndAMalformedMessageGoesToTheDeadLetterQueueNamingTheField()
      throws Exception {
    String t1 = launch("i-0000000000000011");
    String body = direct(FakeAutoScalingLifecycle.LAUNCHING, LAUNCH_HOOK, "i-0000000000000011", t1);
    send(body);
    send(body);
    send(sns(body));
    send(body.replace("\"EC2InstanceId\":\"i-0000000000000011\",", ""));
    controller(settings("ctl-a"), realActions());
    await("the dead letter", Duration.ofSeconds(30), () -> onQueue(dlqUrl) == 1);
    await("the queue drained", Duration.ofSeconds(30), () -> onQueue(queueUrl) == 0);
    assertThat(completions()).hasSize(1);
    assertThat(hookRuns()).hasSize(1);
    var dead =
        sqs.receiveMessage(b -> b.queueUrl(dlqUrl).messageAttributeNames("All")).messages().get(0);
    assertThat(dead.messageAttributes().get("muster-error").stringValue())
        .isEqualTo("EC2InstanceId: missing");
    assertThat(dead.body()).doesNotContain("EC2InstanceId");
  }

  @Test
  void aHookLongerThanTheVisibilityTimeoutKeepsItsMessageFromTheOtherController() throws Exception {
    Files.writeString(dir.resolve("slow"), "8"); // visibility is 3s, the claim lease 6s
    String t1 = launch("i-0000000000000021");
    send(direct(FakeAutoScalingLifecycle.LAUNCHING, LAUNCH_HOOK, "i-0000000000000021", t1));
    controller(settings("ctl-a", "lifecycle.controller.heartbeat-interval", "2s"), realActions());
    await("the hook started", Duration.ofSeconds(30), () -> hookRuns().size() == 1);
    controller(settings("ctl-b"), realActions());
    await("the launch completed", Duration.ofSeconds(30), () -> completions().size() == 1);
    await("the queue drained", Duration.ofSeconds(30), () -> onQueue(queueUrl) == 0);
    assertThat(hookRuns()).hasSize(1);
    assertThat(logLines()).contains("done i-0000000000000021");
    // The keep-alive also heartbeat the action while the hook ran.
    assertThat(asg.heartbeats()).isNotEmpty();
    // Never taken over: the keep-alive renewed the claim past its 6 s lease.
    assertThat(store.lifecycleRecord("i-0000000000000021.LAUNCHING.launch-hook.2")).isEmpty();
    assertThat(completions())
        .singleElement()
        .satisfies(c -> assertThat(c.result()).isEqualTo("CONTINUE"));
  }

  @Test
  void aCrashBetweenHookAndCompletionIsResumedByTheRestartedControllerAndCompletedOnce()
      throws Exception {
    String t1 = terminateAfterLaunch("i-0000000000000031");
    send(direct(FakeAutoScalingLifecycle.TERMINATING, TERMINATE_HOOK, "i-0000000000000031", t1));
    AtomicBoolean reachedCompletion = new AtomicBoolean();
    LifecycleActions dying =
        new LifecycleActions() {
          @Override
          public Outcome complete(LifecycleAction action, LifecycleResult result) {
            reachedCompletion.set(true);
            // The process dies here: it never comes back from this call.
            while (true) {
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("killed");
              }
            }
          }

          @Override
          public Outcome heartbeat(LifecycleAction action) {
            return Outcome.ACCEPTED;
          }
        };
    Running first = controller(settings("ctl-a"), dying);
    await("the first controller at completion", Duration.ofSeconds(30), reachedCompletion::get);
    first.runtime().stop();
    first.thread().interrupt(); // ends the call that never returns: the process is gone
    first.thread().join(10_000);
    running.remove(first);
    assertThat(completions()).noneMatch(c -> c.hook().equals(TERMINATE_HOOK));
    controller(settings("ctl-a"), realActions()); // the restart, under the same name
    await("the terminate completed", Duration.ofSeconds(30), () -> completions().size() == 2);
    await("the queue drained", Duration.ofSeconds(30), () -> onQueue(queueUrl) == 0);
    assertThat(hookRuns()).hasSize(1);
    assertThat(completions().stream().filter(c -> c.hook().equals(TERMINATE_HOOK)))
        .singleElement()
        .satisfies(c -> assertThat(c.byTimeout()).isFalse());
  }

  @Test
  void twoControllersOnOneQueueActOnEachActionOnce() throws Exception {
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String id = String.format("i-%016d", 100 + i);
      instances.add(id);
      String token = launch(id);
      String body = direct(FakeAutoScalingLifecycle.LAUNCHING, LAUNCH_HOOK, id, token);
      send(body);
      send(i % 2 == 0 ? sns(body) : body); // every action arrives twice
    }
    controller(settings("ctl-a", "lifecycle.controller.batch-size", "2"), realActions());
    controller(settings("ctl-b", "lifecycle.controller.batch-size", "2"), realActions());
    await("all launches completed", Duration.ofSeconds(60), () -> completions().size() == 12);
    await("the queue drained", Duration.ofSeconds(60), () -> onQueue(queueUrl) == 0);
    assertThat(completions())
        .extracting(Completion::instanceId)
        .containsExactlyInAnyOrderElementsOf(instances);
    assertThat(hookRuns()).hasSize(12);
    // One claim per action, never taken over: neither controller acted on the other's actions.
    for (Completion c : completions()) {
      String key = c.instanceId() + ".LAUNCHING." + LAUNCH_HOOK;
      assertThat(store.lifecycleRecord(key + ".1")).isPresent();
      assertThat(store.lifecycleRecord(key + ".2")).isEmpty();
    }
  }

  @Test
  void aNotificationDeletedBeforeTheControllerSawItIsCompletedByTheReconcile() throws Exception {
    String lostLaunch = "i-0000000000000041";
    String lostTerminate = "i-0000000000000042";
    String raced = "i-0000000000000043";
    String t1 = launch(lostLaunch);
    String t2 = terminateAfterLaunch(lostTerminate);
    String t3 = launch(raced);
    // The two notifications reach the queue and are gone before any controller runs (dead-
    // lettered by a redrive policy, expired, deleted by hand): SQS will never deliver them.
    send(direct(FakeAutoScalingLifecycle.LAUNCHING, LAUNCH_HOOK, lostLaunch, t1));
    send(direct(FakeAutoScalingLifecycle.TERMINATING, TERMINATE_HOOK, lostTerminate, t2));
    sqs.purgeQueue(b -> b.queueUrl(queueUrl));
    await("the queue purged", Duration.ofSeconds(30), () -> onQueue(queueUrl) == 0);
    // The third one's notification does arrive, racing the reconcile of the two controllers.
    String body = direct(FakeAutoScalingLifecycle.LAUNCHING, LAUNCH_HOOK, raced, t3);
    send(body);
    send(sns(body));
    String[] reconcile = {
      "lifecycle.controller.groups", GROUP, "lifecycle.controller.reconcile-interval", "2s"
    };
    controller(settings("ctl-a", reconcile), realActions());
    controller(settings("ctl-b", reconcile), realActions());
    // 4: the three, and the launch of the second, completed by hand above.
    await("three actions completed", Duration.ofSeconds(60), () -> completions().size() == 4);
    await("the queue drained", Duration.ofSeconds(30), () -> onQueue(queueUrl) == 0);
    Thread.sleep(5_000); // two more reconcile rounds each: nothing more may happen
    assertThat(completions())
        .extracting(c -> c.instanceId() + " " + c.hook() + " " + c.result() + " " + c.byTimeout())
        .containsExactlyInAnyOrder(
            lostLaunch + " " + LAUNCH_HOOK + " CONTINUE false",
            lostTerminate + " " + LAUNCH_HOOK + " CONTINUE false",
            lostTerminate + " " + TERMINATE_HOOK + " CONTINUE false",
            raced + " " + LAUNCH_HOOK + " CONTINUE false");
    // The lost ones were completed by instance id: the reconcile never saw their tokens.
    assertThat(completions())
        .filteredOn(c -> !c.instanceId().equals(raced))
        .allSatisfy(c -> assertThat(c.byToken()).isFalse());
    assertThat(hookRuns())
        .extracting(l -> l.split(" ")[0] + " " + l.split(" ")[1])
        .containsExactlyInAnyOrder(
            "launching " + lostLaunch, "terminating " + lostTerminate, "launching " + raced);
    assertThat(asg.state(lostLaunch)).isEqualTo("InService");
  }

  @Test
  void aLaunchingInstancesPrivateAddressIsLookedUpInEc2UntilItIsDescribed() throws Exception {
    String id = "i-0000000000000051";
    String token = launch(id);
    send(direct(FakeAutoScalingLifecycle.LAUNCHING, LAUNCH_HOOK, id, token));
    // EC2 does not describe it yet (eventual consistency right after launch); it will in 3 s.
    Thread later =
        new Thread(
            () -> {
              try {
                Thread.sleep(3_000);
                ec2.add(FakeEc2.Instance.running(id, "10.0.5.51"));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    later.start();
    controller(settings("ctl-a", "lifecycle.controller.address-wait", "20s"), realActions());
    await("the launch completed", Duration.ofSeconds(60), () -> completions().size() == 1);
    later.join();
    assertThat(hookRuns()).singleElement().asString().endsWith("address=10.0.5.51");
    long asked =
        asgServer.requests().stream().filter(r -> r.action().equals("DescribeInstances")).count();
    assertThat(asked).as("asked again while EC2 did not know it").isGreaterThan(1);
  }

  @Test
  void theSaltStackRecipeAcceptsTheKeyAndRunsTheHighstateOnLaunchAndDeletesTheKeyOnTerminate()
      throws Exception {
    // salt is not packaged here: stand-ins for salt-key and salt record what they are asked.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path salt = dir.resolve("salt.log");
    Path pending = dir.resolve("pending-keys");
    Files.writeString(pending, "i-0000000000000041\n");
    Files.writeString(
        bin.resolve("salt-key"),
        "#!/bin/sh\necho \"salt-key $*\" >> "
            + salt
            + "\nif [ \"$1\" = -l ] && [ \"$2\" = unaccepted ]; then cat "
            + pending
            + "; fi\n");
    Files.writeString(bin.resolve("salt"), "#!/bin/sh\necho \"salt $*\" >> " + salt + "\n");
    for (String f : new String[] {"salt-key", "salt"}) {
      Files.setPosixFilePermissions(bin.resolve(f), PosixFilePermissions.fromString("rwx------"));
    }
    String path = "PATH=" + bin + ":/usr/bin:/bin";
    String recipe =
        Path.of("..", "examples", "lifecycle", "salt-launch.sh")
            .toAbsolutePath()
            .normalize()
            .toString();
    ControllerSettings recipeSettings =
        settings(
            "ctl-salt",
            "lifecycle.controller.launch-command",
            "env," + path + ",SALT_KEY_WAIT=10," + recipe,
            "lifecycle.controller.terminate-command",
            "env," + path + ",salt-key,-y,-d,${MUSTER_INSTANCE_ID}");
    String launchToken = launch("i-0000000000000041");
    send(
        direct(FakeAutoScalingLifecycle.LAUNCHING, LAUNCH_HOOK, "i-0000000000000041", launchToken));
    controller(recipeSettings, realActions());
    await("the launch completed", Duration.ofSeconds(30), () -> completions().size() == 1);
    String terminateToken = terminate("i-0000000000000041");
    send(
        direct(
            FakeAutoScalingLifecycle.TERMINATING,
            TERMINATE_HOOK,
            "i-0000000000000041",
            terminateToken));
    await("the terminate completed", Duration.ofSeconds(30), () -> completions().size() == 2);
    assertThat(Files.readAllLines(salt))
        .containsExactly(
            "salt-key -l unaccepted",
            "salt-key -y -a i-0000000000000041",
            "salt i-0000000000000041 state.highstate --state-output=terse --retcode-passthrough",
            "salt-key -y -d i-0000000000000041");
    assertThat(completions())
        .extracting(Completion::result)
        .containsExactly("CONTINUE", "CONTINUE");
  }

  @Test
  void aLaunchWhoseMinionNeverSubmitsItsKeyIsAbandoned() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.writeString(bin.resolve("salt-key"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(
        bin.resolve("salt-key"), PosixFilePermissions.fromString("rwx------"));
    String recipe =
        Path.of("..", "examples", "lifecycle", "salt-launch.sh")
            .toAbsolutePath()
            .normalize()
            .toString();
    String token = launch("i-0000000000000051");
    send(direct(FakeAutoScalingLifecycle.LAUNCHING, LAUNCH_HOOK, "i-0000000000000051", token));
    controller(
        settings(
            "ctl-salt",
            "lifecycle.controller.launch-command",
            "env,PATH=" + bin + ":/usr/bin:/bin,SALT_KEY_WAIT=0," + recipe),
        realActions());
    await("the launch answered", Duration.ofSeconds(30), () -> completions().size() == 1);
    assertThat(completions())
        .singleElement()
        .satisfies(c -> assertThat(c.result()).isEqualTo("ABANDON"));
  }

  /** An instance in service whose terminate hook now waits; returns the terminate's token. */
  String terminateAfterLaunch(String instance) {
    launch(instance);
    realActions()
        .complete(
            new LifecycleAction(
                GROUP,
                LAUNCH_HOOK,
                instance,
                io.muster.lifecycle.LifecycleTransition.LAUNCHING,
                Optional.empty()),
            LifecycleResult.CONTINUE);
    return terminate(instance);
  }
}
