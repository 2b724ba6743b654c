package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.adapter.swarm.DockerEngine;
import io.muster.adapter.swarm.DockerdNode;
import io.muster.aws.AwsClients;
import io.muster.aws.AwsService;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.file.FileCredentialStore;
import io.muster.testing.DummyAwsCredentials;
import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.TestNetwork;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The fleet controller's member removal on a real Docker Swarm: two network namespaces (mfs-n1,
 * mfs-n2, 10.99.151.1-2), one real dockerd in each (the swarm adapter's {@link DockerdNode}
 * harness); n1 is the manager, n2 a worker registered in the file store as muster would have. n2's
 * dockerd is killed (the instance died without leaving) and the manager marks it down; the group
 * terminates it and the notification reaches ElasticMQ. {@code muster lifecycle} (the real jar, on
 * the host, with the swarm adapter pointed at the manager's Engine API socket) removes the down
 * node through the live manager ({@code node rm}), deregisters it and completes the action once.
 *
 * <p>Root and docker.io; run alone, under the IT lock: {@code flock /tmp/muster-it.lock ./mvnw -B
 * -o verify -pl packaging -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=SwarmFleetControllerE2EIT}
 */
class SwarmFleetControllerE2EIT {
  static final String GROUP = "swarm-workers";
  static final String HOOK = "drain-hook";
  static final String CLUSTER = "swarm-fleet";
  static final String WORKER = "i-00000000000000152";

  @Test
  void theControllerRemovesADeadWorkerThroughTheLiveManagerAndCompletesOnce() throws Exception {
    DockerdNode.dockerdBinary();
    DockerdNode.dockerCli();
    MusterCli.requireJar();
    Path root = Files.createTempDirectory(Path.of("/tmp"), "mfs-");
    List<DockerdNode> daemons = new ArrayList<>();
    Process controller = null;
    SQSRestServer mq = null;
    TestNetwork net = null;
    FakeAwsQueryServer asgServer = null;
    DummyAwsCredentials creds = null;
    try {
      net = TestNetwork.create("mfs", "10.99.151", 2);
      asgServer = FakeAwsQueryServer.start();
      creds = DummyAwsCredentials.install();
      for (TestNetwork.Node n : net.nodes()) {
        daemons.add(DockerdNode.start(n, root.resolve(n.name())));
      }
      DockerdNode manager = daemons.get(0);
      DockerdNode worker = daemons.get(1);
      String managerAddr = net.node(0).address();
      String workerAddr = net.node(1).address();
      manager.engine().initSwarm(managerAddr + ":2377", managerAddr);
      DockerEngine.SwarmCluster swarm = manager.engine().swarm();
      worker
          .engine()
          .joinSwarm(
              new DockerEngine.JoinSpec(
                  workerAddr + ":2377",
                  workerAddr,
                  List.of(managerAddr + ":2377"),
                  swarm.workerToken()));
      await(
          Duration.ofSeconds(60),
          () -> state(manager, workerAddr).equals("ready"),
          "the worker ready on the manager");
      FileCredentialStore store = new FileCredentialStore(root.resolve("store").resolve(CLUSTER));
      store.registerMember(new MemberRecord(WORKER, workerAddr, "mfs-n2", 1, Instant.now()));

      // The worker's instance dies: its dockerd is gone without leaving the swarm.
      worker.stop();
      long t = System.nanoTime();
      await(
          Duration.ofSeconds(90),
          () -> state(manager, workerAddr).equals("down"),
          "the manager to see the dead worker down");
      System.out.printf(
          "swarm fleet e2e: dead worker seen down after %d ms%n",
          (System.nanoTime() - t) / 1_000_000);

      FakeAutoScalingLifecycle asg =
          new FakeAutoScalingLifecycle(asgServer, Clock.systemUTC())
              .hook(
                  GROUP,
                  HOOK,
                  FakeAutoScalingLifecycle.TERMINATING,
                  Duration.ofSeconds(90),
                  "CONTINUE");
      asg.launch(GROUP, WORKER).terminate(WORKER);
      mq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
      URI sqsEndpoint =
          URI.create("http://127.0.0.1:" + mq.waitUntilStarted().localAddress().getPort());
      String queue = sqsEndpoint + "/000000000000/hooks";
      try (AwsClients clients =
          new AwsClients(
              "us-east-1",
              Map.of(AwsService.SQS, sqsEndpoint),
              URI.create("http://127.169.254.254"),
              Duration.ofSeconds(30))) {
        SqsClient sqs = clients.sqs();
        sqs.createQueue(b -> b.queueName("hooks"));
        String body =
            "{\"LifecycleHookName\":\""
                + HOOK
                + "\",\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_TERMINATING\","
                + "\"AutoScalingGroupName\":\""
                + GROUP
                + "\",\"Service\":\"AWS Auto Scaling\",\"EC2InstanceId\":\""
                + WORKER
                + "\",\"LifecycleActionToken\":\""
                + asg.token(WORKER, HOOK)
                + "\"}";
        sqs.sendMessage(m -> m.queueUrl(queue).messageBody(body));
      }

      Map<String, String> env = new HashMap<>();
      env.put("AWS_ACCESS_KEY_ID", "AKIDMUSTERE2E000000");
      env.put("AWS_SECRET_ACCESS_KEY", "e2e-dummy-secret-not-a-real-one");
      env.put("MUSTER_CLUSTER_NAME", CLUSTER);
      env.put("MUSTER_NODE_REGION", "us-east-1");
      env.put("MUSTER_NODE_ADDRESS", "127.0.0.1"); // the host's: the controller runs here
      env.put("MUSTER_NODE_INSTANCE_ID", "controller");
      env.put("MUSTER_STORE_PROVIDER", "file");
      env.put("MUSTER_STORE_FILE_DIR", root.resolve("store").toString());
      env.put("MUSTER_STATE_DIR", root.resolve("state-controller").toString());
      env.put("MUSTER_ADAPTER_NAME", "swarm");
      env.put("MUSTER_ADAPTER_SWARM_SOCKET", manager.socketPath().toString());
      env.put("MUSTER_AWS_SQS_ENDPOINT_URL", sqsEndpoint.toString());
      env.put("MUSTER_AWS_AUTOSCALING_ENDPOINT_URL", asgServer.endpoint().toString());
      env.put("MUSTER_LIFECYCLE_CONTROLLER_QUEUE_URL", queue);
      env.put("MUSTER_LIFECYCLE_CONTROLLER_ID", "ctl-swarm");
      env.put("MUSTER_LIFECYCLE_CONTROLLER_WAIT_TIME", "1s");
      env.put("MUSTER_LIFECYCLE_CONTROLLER_ADDRESS_WAIT", "0s");
      env.put("MUSTER_LOG_FORMAT", "json");
      ProcessBuilder pb =
          new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-jar",
              MusterCli.JAR.toString(),
              "lifecycle");
      MusterCli.configureEnvironment(pb.environment(), env);
      pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
      Path err = root.resolve("controller.err");
      pb.redirectOutput(root.resolve("controller.out").toFile());
      pb.redirectError(err.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      controller = pb.start();
      Process running = controller;
      await(
          Duration.ofSeconds(60),
          () -> !asg.completions(WORKER, HOOK).isEmpty() || !running.isAlive(),
          "the terminate action completed by the controller");
      Thread.sleep(3_000); // nothing more may arrive
      String log = Files.readString(err, StandardCharsets.UTF_8);
      System.out.println("---- controller log:\n" + log);
      assertThat(asg.completions(WORKER, HOOK))
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.result()).isEqualTo("CONTINUE");
                assertThat(c.byTimeout()).isFalse();
              });
      assertThat(log).contains("removed " + WORKER);
      assertThat(nodeAddrs(manager)).containsExactly(managerAddr);
      assertThat(store.members()).isEmpty();
    } finally {
      if (controller != null) {
        controller.destroy();
        controller.waitFor();
      }
      if (mq != null) {
        mq.stopAndWait();
      }
      for (DockerdNode d : daemons) {
        try {
          d.stop();
        } catch (RuntimeException e) {
          System.out.println("stopping " + d.node().name() + ": " + e.getMessage());
        }
      }
      // Only after the daemons: their namespaces go with the network.
      if (net != null) {
        net.close();
      }
      if (asgServer != null) {
        asgServer.close();
      }
      if (creds != null) {
        creds.close();
      }
      DockerdNode.deleteTree(root);
    }
  }

  /** The state of the node at {@code addr} as the manager lists it, or "absent". */
  private static String state(DockerdNode manager, String addr) {
    try {
      return manager.engine().nodes().stream()
          .filter(n -> addr.equals(n.addr()))
          .map(DockerEngine.SwarmNode::state)
          .findFirst()
          .orElse("absent");
    } catch (Exception e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static List<String> nodeAddrs(DockerdNode manager) throws Exception {
    return manager.engine().nodes().stream().map(DockerEngine.SwarmNode::addr).toList();
  }

  private static void await(Duration limit, BooleanSupplier done, String what)
      throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
      }
      Thread.sleep(250);
    }
  }
}
