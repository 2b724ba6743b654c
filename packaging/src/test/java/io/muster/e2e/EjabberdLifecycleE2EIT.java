package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.ejabberd.EjabberdNode;
import io.muster.aws.AwsClients;
import io.muster.aws.AwsService;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.file.FileCredentialStore;
import io.muster.testing.DummyAwsCredentials;
import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAutoScalingLifecycle.Completion;
import io.muster.testing.TestNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Issue 15 on real ejabberd 23.01: four nodes, each in its own network namespace (TestNetwork
 * "mlc", 10.99.15.1-4), each run by the real {@code muster agent} of the shaded jar with the
 * on-node lifecycle enabled, static discovery and one shared file store. Auto Scaling's lifecycle
 * API and each instance's metadata are the local fakes on the host's loopback; each namespace
 * reaches them at 127.0.0.1:1338 (its IMDS) and 127.0.0.1:1339 (Auto Scaling) through socat over a
 * unix socket (a namespace has its own loopback, so this is how its traffic reaches the host's).
 *
 * <ol>
 *   <li>Three instances launch with a launch hook: each hook is answered CONTINUE once, and at the
 *       moment of each answer that node is already in the founder's cluster.
 *   <li>The group terminates n3, with the API lagging instance metadata: n3 leaves while it runs,
 *       n1 and n2 list two members, the store lists two, and the terminate hook is answered
 *       CONTINUE exactly once (no timeout).
 *   <li>A fourth instance launches: its hook is answered only after it is a member (checked by
 *       asking n1's ejabberd at the moment the answer arrives).
 *   <li>n4 dies without leaving, and the group terminates it: the fleet controller ({@code muster
 *       lifecycle}, in n1's namespace, on ElasticMQ) removes it through n1's live ejabberd and from
 *       the store, and completes the action once.
 * </ol>
 *
 * Run alone, as root, under the IT lock:
 *
 * <pre>
 * flock /tmp/muster-it.lock ./mvnw -B -o verify -pl packaging -am -Dtest=NONE \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
 *   -Dit.test=EjabberdLifecycleE2EIT
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EjabberdLifecycleE2EIT {
  static final String PREFIX = "mlc";
  static final String SUBNET = "10.99.15";
  static final String GROUP = "web";
  static final String LAUNCH_HOOK = "muster-launch";
  static final String DRAIN_HOOK = "muster-drain";
  static final int IMDS_PORT = 1338;
  static final int ASG_PORT = 1339;
  static final int SQS_PORT = 1340;
  static final LifecycleFleetSettings FLEET =
      new LifecycleFleetSettings(
          "lifecycle",
          GROUP,
          LAUNCH_HOOK,
          DRAIN_HOOK,
          IMDS_PORT,
          ASG_PORT,
          Duration.ofSeconds(60),
          Duration.ofSeconds(150));

  /** The key of the fleet controller's process in {@link #agents} and its logs ("n0-..."). */
  static final int CONTROLLER = -1;

  private TestNetwork net;
  private Path base;
  private NamespaceBridges bridges;
  private FakeLifecycleAws fakes;
  private FakeAutoScalingLifecycle asg;
  private MusterProcesses agents;
  private final List<EjabberdNode> nodes = new ArrayList<>();

  /** What n1's ejabberd listed at the moment each launch hook was answered, by instance. */
  private final Map<String, List<String>> clusterAtAnswer =
      Collections.synchronizedMap(new LinkedHashMap<>());

  private boolean launched;

  @BeforeAll
  void setUp() throws Exception {
    EjabberdNode.requirePrerequisites();
    MusterCli.requireJar();
    NamespaceBridges.requireSocat();
    net = TestNetwork.create(PREFIX, SUBNET, 4);
    base = Files.createTempDirectory("mlc-e2e-");
    bridges = new NamespaceBridges(base);
    fakes = new FakeLifecycleAws(FLEET);
    asg = fakes.lifecycle().onCompletion(this::recordClusterAtAnswer);
    agents =
        new MusterProcesses(base, 60, () -> fakes.completionsReport() + fakes.requestsReport());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> starts = new ArrayList<>();
      for (TestNetwork.Node n : net.nodes()) {
        fakes.serve(n, instance(nodes.size()), bridges);
        EjabberdNode e = EjabberdNode.create(n, base.resolve("ejabberd-" + n.name()));
        nodes.add(e);
        starts.add(pool.submit((Runnable) e::start));
      }
      for (Future<?> f : starts) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @AfterAll
  void cleanUp() throws Exception {
    List<String> leaks = new ArrayList<>();
    try {
      if (agents != null) {
        agents.stop(Duration.ofSeconds(30), leaks);
      }
      if (bridges != null) {
        bridges.close();
      }
      for (EjabberdNode n : nodes) {
        try {
          n.close();
        } catch (RuntimeException e) {
          leaks.add(n.nodeName() + ": " + e.getMessage());
        }
      }
    } finally {
      if (net != null) {
        net.close();
      }
      if (fakes != null) {
        fakes.close();
      }
      if (agents != null) {
        agents.keepLogs(Path.of("target", "ejabberd-lifecycle-e2e-logs").toAbsolutePath());
      }
      EjabberdNode.deleteTree(base);
    }
    assertThat(leaks).as("processes left behind").isEmpty();
  }

  // ---------------------------------------------------------------- the tests, in order

  @Test
  @Order(1)
  void threeLaunchHooksAreAnsweredOnceEachByMembers() throws Exception {
    for (int i = 0; i < 3; i++) {
      asg.launch(GROUP, instance(i));
    }
    for (int i = 0; i < 3; i++) {
      startAgent(i, List.of(0, 1, 2));
    }
    agents.await(
        () -> asg.completions().stream().filter(c -> c.hook().equals(LAUNCH_HOOK)).count() == 3,
        Duration.ofSeconds(180),
        "three launch hooks answered");
    agents.checked(
        () -> {
          for (int i = 0; i < 3; i++) {
            assertThat(asg.completions(instance(i), LAUNCH_HOOK))
                .as("launch answers of " + instance(i))
                .singleElement()
                .satisfies(
                    c -> {
                      assertThat(c.result()).isEqualTo("CONTINUE");
                      assertThat(c.byTimeout()).isFalse();
                    });
            assertThat(clusterAtAnswer.get(instance(i)))
                .as("n1's cluster when " + instance(i) + "'s hook was answered")
                .contains(nodes.get(i).nodeName());
            assertThat(asg.state(instance(i))).isEqualTo("InService");
          }
          assertOneCluster(List.of(0, 1, 2));
        });
    launched = true;
  }

  @Test
  @Order(2)
  void aTerminateHookMakesTheNodeLeaveWhileRunningAndIsAnsweredOnce() throws Exception {
    requireLaunched();
    // Instance metadata says Terminated at once; the API shows Terminating:Wait 2 s later and
    // accepts an answer only after 4 s (the race reported in production).
    asg.race(Duration.ofSeconds(2), Duration.ofSeconds(4)).terminate(instance(2));
    agents.await(
        () -> !asg.completions(instance(2), DRAIN_HOOK).isEmpty(),
        Duration.ofSeconds(120),
        "the terminate hook of n3 answered");
    Thread.sleep(5_000); // nothing more may arrive
    agents.checked(
        () -> {
          List<Completion> drain = asg.completions(instance(2), DRAIN_HOOK);
          assertThat(drain)
              .singleElement()
              .satisfies(
                  c -> {
                    assertThat(c.result()).isEqualTo("CONTINUE");
                    assertThat(c.byTimeout()).isFalse();
                  });
          assertThat(agents.get(2).isAlive()).as("the agent of n3 still runs").isTrue();
          assertOneCluster(List.of(0, 1));
          assertThat(store().members())
              .extracting(MemberRecord::instanceId)
              .containsExactlyInAnyOrder(instance(0), instance(1));
          assertThat(agents.stderr(2)).contains("lifecycle-completed");
        });
  }

  @Test
  @Order(3)
  void aFourthNodesLaunchHookIsAnsweredOnlyOnceItIsAMember() throws Exception {
    requireLaunched();
    asg.launch(GROUP, instance(3));
    startAgent(3, List.of(0, 1, 3));
    agents.await(
        () -> !asg.completions(instance(3), LAUNCH_HOOK).isEmpty(),
        Duration.ofSeconds(180),
        "the launch hook of n4 answered");
    agents.checked(
        () -> {
          assertThat(asg.completions(instance(3), LAUNCH_HOOK))
              .singleElement()
              .satisfies(c -> assertThat(c.result()).isEqualTo("CONTINUE"));
          assertThat(clusterAtAnswer.get(instance(3)))
              .as("n1's cluster at the moment n4's hook was answered")
              .contains(nodes.get(3).nodeName());
          assertOneCluster(List.of(0, 1, 3));
        });
  }

  /**
   * The fleet controller's half: n4 dies without leaving (its agent and its ejabberd are killed),
   * then the group terminates it. The terminate notification reaches ElasticMQ; {@code muster
   * lifecycle} (the real jar) runs in n1's namespace with n1's ejabberd adapter settings, removes
   * n4 through n1's live ejabberd ({@code leave_cluster} of a down node), deregisters it, and
   * completes the action once.
   */
  @Test
  @Order(4)
  void theFleetControllerRemovesADeadMemberOnItsTerminateNotification() throws Exception {
    requireLaunched();
    Process agent4 = agents.remove(3);
    agent4.destroyForcibly().waitFor(); // dies without leaving the cluster or the store
    nodes.get(3).crash();
    assertThat(store().members()).extracting(MemberRecord::instanceId).contains(instance(3));

    SQSRestServer mq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = mq.waitUntilStarted().localAddress().getPort();
    try (DummyAwsCredentials creds = DummyAwsCredentials.install();
        AwsClients clients =
            new AwsClients(
                "us-east-1",
                Map.of(AwsService.SQS, java.net.URI.create("http://127.0.0.1:" + port)),
                java.net.URI.create("http://127.169.254.254"),
                Duration.ofSeconds(30))) {
      SqsClient sqs = clients.sqs();
      sqs.createQueue(b -> b.queueName("hooks"));
      bridges.bridge(nodes.get(0).network(), SQS_PORT, "http://127.0.0.1:" + port);
      asg.terminate(instance(3));
      String body =
          "{\"LifecycleHookName\":\""
              + DRAIN_HOOK
              + "\",\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_TERMINATING\","
              + "\"AutoScalingGroupName\":\""
              + GROUP
              + "\",\"Service\":\"AWS Auto Scaling\",\"EC2InstanceId\":\""
              + instance(3)
              + "\",\"LifecycleActionToken\":\""
              + asg.token(instance(3), DRAIN_HOOK)
              + "\"}";
      sqs.sendMessage(
          m -> m.queueUrl("http://127.0.0.1:" + port + "/000000000000/hooks").messageBody(body));
      agents.start(CONTROLLER, controller());
      agents.await(
          () -> !asg.completions(instance(3), DRAIN_HOOK).isEmpty(),
          Duration.ofSeconds(120),
          "the terminate action of n4 completed by the controller");
      Thread.sleep(5_000); // nothing more may arrive
      agents.checked(
          () -> {
            assertThat(asg.completions(instance(3), DRAIN_HOOK))
                .singleElement()
                .satisfies(
                    c -> {
                      assertThat(c.result()).isEqualTo("CONTINUE");
                      assertThat(c.byTimeout()).isFalse();
                    });
            assertOneCluster(List.of(0, 1));
            assertThat(store().members())
                .extracting(MemberRecord::instanceId)
                .containsExactlyInAnyOrder(instance(0), instance(1));
            assertThat(agents.stderr(CONTROLLER)).contains("removed " + instance(3));
          });
    } finally {
      Process controller = agents.remove(CONTROLLER);
      if (controller != null) {
        controller.destroy(); // before its queue goes away
        controller.waitFor(30, TimeUnit.SECONDS);
      }
      mq.stopAndWait();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** n1's instance id, ...: EC2's form, which notifications must carry (the controller checks). */
  private static String instance(int i) {
    return String.format("i-00000000000000%03d", i + 1);
  }

  /** Runs inside the fake's handler, before the agent hears the answer. */
  private void recordClusterAtAnswer(Completion c) {
    if (c.hook().equals(LAUNCH_HOOK)) {
      clusterAtAnswer.put(c.instanceId(), nodes.get(0).listCluster());
    }
  }

  private void startAgent(int node, List<Integer> peers) throws IOException {
    EjabberdNode n = nodes.get(node);
    ProcessBuilder pb = agents.command(node, n.network().nsenter(), "agent");
    Map<String, String> env = pb.environment();
    FLEET.putAgentEnvironment(
        env,
        n.network(),
        instance(node),
        peers.stream().map(i -> net.node(i).address()).toList(),
        base);
    env.put("MUSTER_ADAPTER_NAME", "ejabberd");
    env.putAll(n.adapterEnv());
    agents.start(node, pb);
  }

  /** {@code muster lifecycle} in n1's namespace, as n1's management side, on ElasticMQ. */
  private ProcessBuilder controller() {
    EjabberdNode n = nodes.get(0);
    ProcessBuilder pb = agents.command(CONTROLLER, n.network().nsenter(), "lifecycle");
    Map<String, String> env = pb.environment();
    env.put("MUSTER_CLUSTER_NAME", "lifecycle");
    env.put("MUSTER_NODE_ADDRESS", n.network().address());
    env.put("MUSTER_NODE_INSTANCE_ID", "controller");
    env.put("MUSTER_NODE_REGION", "us-east-1");
    env.put("MUSTER_AWS_AUTOSCALING_ENDPOINT_URL", "http://127.0.0.1:" + ASG_PORT);
    env.put("MUSTER_AWS_SQS_ENDPOINT_URL", "http://127.0.0.1:" + SQS_PORT);
    env.put("MUSTER_STORE_PROVIDER", "file");
    env.put("MUSTER_STORE_FILE_DIR", base.resolve("store").toString());
    env.put("MUSTER_STATE_DIR", base.resolve("state-controller").toString());
    env.put("MUSTER_ADAPTER_NAME", "ejabberd");
    env.putAll(n.adapterEnv());
    env.put("MUSTER_LOG_FORMAT", "json");
    env.put(
        "MUSTER_LIFECYCLE_CONTROLLER_QUEUE_URL",
        "http://127.0.0.1:" + SQS_PORT + "/000000000000/hooks");
    env.put("MUSTER_LIFECYCLE_CONTROLLER_ID", "ctl-e2e");
    env.put("MUSTER_LIFECYCLE_CONTROLLER_WAIT_TIME", "1s");
    env.put("MUSTER_LIFECYCLE_CONTROLLER_GONE_AFTER", "5s");
    return pb;
  }

  private void requireLaunched() {
    if (!launched) {
      throw new IllegalStateException(
          "this step needs the launched cluster (the first test failed)");
    }
  }

  private void assertOneCluster(List<Integer> members) {
    List<String> names = members.stream().map(i -> nodes.get(i).nodeName()).toList();
    for (int i : members) {
      assertThat(nodes.get(i).listCluster())
          .as("list_cluster on " + nodes.get(i).nodeName())
          .containsExactlyInAnyOrderElementsOf(names);
    }
  }

  private FileCredentialStore store() throws IOException {
    Path dir = base.resolve("store");
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> clusters = s.toList();
      assertThat(clusters).hasSize(1);
      return new FileCredentialStore(clusters.get(0));
    }
  }
}
