package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.aws.AwsClients;
import io.muster.aws.AwsService;
import io.muster.testing.DummyAwsCredentials;
import io.muster.testing.FakeAutoScalingLifecycle;
import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.ManualClock;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code muster lifecycle} as the operator runs it ({@code java -jar target/muster.jar lifecycle},
 * configured by environment) against ElasticMQ and the local Auto Scaling lifecycle API, killed
 * with SIGKILL at random moments (seeded) and restarted: every action is completed exactly once and
 * none is lost. Prints its counts.
 */
class FleetControllerKillE2EIT {
  static final String GROUP = "salt-minions";
  static final String HOOK = "launch-hook";
  static final int INSTANCES = 16;
  static final int KILLS = 5;
  static final long SEED = Long.getLong("muster.fleet.seed", 15L);

  @TempDir Path dir;

  @Test
  void killedAtRandomMomentsTheControllerStillCompletesEveryActionExactlyOnce() throws Exception {
    MusterCli.requireJar();
    Random random = new Random(SEED);
    SQSRestServer mq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = mq.waitUntilStarted().localAddress().getPort();
    URI sqsEndpoint = URI.create("http://127.0.0.1:" + port);
    try (FakeAwsQueryServer asgServer = FakeAwsQueryServer.start();
        DummyAwsCredentials creds = DummyAwsCredentials.install()) {
      FakeAutoScalingLifecycle asg =
          new FakeAutoScalingLifecycle(asgServer, new ManualClock())
              .hook(
                  GROUP, HOOK, FakeAutoScalingLifecycle.LAUNCHING, Duration.ofHours(1), "ABANDON");
      Map<AwsService, URI> endpoints = new EnumMap<>(AwsService.class);
      endpoints.put(AwsService.SQS, sqsEndpoint);
      try (AwsClients clients =
          new AwsClients(
              "us-east-1",
              endpoints,
              URI.create("http://127.169.254.254"),
              Duration.ofSeconds(30))) {
        SqsClient sqs = clients.sqs();
        sqs.createQueue(b -> b.queueName("hooks"));
        String queue = sqsEndpoint + "/000000000000/hooks";
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
          String id = String.format("i-%016d", i);
          asg.launch(GROUP, id);
          String body = body(id, asg.token(id, HOOK));
          bodies.add(body);
          bodies.add(body); // every action arrives twice
        }
        Collections.shuffle(bodies, random);
        for (String b : bodies) {
          sqs.sendMessage(m -> m.queueUrl(queue).messageBody(b));
        }

        Path log = dir.resolve("hooks.log");
        Path hook = dir.resolve("hook.sh");
        Files.writeString(
            hook,
            "#!/bin/sh\necho \"start $1 $MUSTER_ATTEMPT\" >> "
                + log
                + "\nsleep 0.4\necho \"end $1\" >> "
                + log
                + "\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = new HashMap<>();
        env.put("MUSTER_CLUSTER_NAME", "fleet");
        env.put("MUSTER_NODE_REGION", "us-east-1");
        env.put("MUSTER_NODE_ADDRESS", "127.0.0.1");
        env.put("MUSTER_NODE_INSTANCE_ID", "controller");
        env.put("MUSTER_STORE_PROVIDER", "file");
        env.put("MUSTER_STORE_FILE_DIR", dir.resolve("store").toString());
        env.put("MUSTER_ADAPTER_NAME", "exec");
        env.put("MUSTER_AWS_SQS_ENDPOINT_URL", sqsEndpoint.toString());
        env.put("MUSTER_AWS_AUTOSCALING_ENDPOINT_URL", asgServer.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", "AKIDFLEETTEST");
        env.put("AWS_SECRET_ACCESS_KEY", "fleet-test-secret");
        env.put("MUSTER_LIFECYCLE_CONTROLLER_QUEUE_URL", queue);
        env.put("MUSTER_LIFECYCLE_CONTROLLER_LAUNCH_COMMAND", hook + ",${MUSTER_INSTANCE_ID}");
        env.put("MUSTER_LIFECYCLE_CONTROLLER_VISIBILITY_TIMEOUT", "3s");
        env.put("MUSTER_LIFECYCLE_CONTROLLER_CLAIM_LEASE", "3s");
        env.put("MUSTER_LIFECYCLE_CONTROLLER_WAIT_TIME", "1s");
        env.put("MUSTER_LIFECYCLE_CONTROLLER_BATCH_SIZE", "3");
        env.put("MUSTER_LIFECYCLE_CONTROLLER_GONE_AFTER", "1s");
        env.put("MUSTER_LIFECYCLE_CONTROLLER_ID", "ctl-1");
        env.put("MUSTER_LIFECYCLE_CONTROLLER_REMOVE_MEMBERS", "false");
        // No EC2 here: without this, each launch would look its address up for the default 30 s
        // (FleetControllerIT tests the lookup against the EC2 fake).
        env.put("MUSTER_LIFECYCLE_CONTROLLER_ADDRESS_WAIT", "0s");

        int kills = 0;
        int starts = 0;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        Process p = start(env, starts++);
        while (asg.completions().size() < INSTANCES || onQueue(sqs, queue) > 0) {
          assertThat(Instant.now()).as("all actions done within 4 minutes").isBefore(deadline);
          if (kills < KILLS) {
            Thread.sleep(1000 + random.nextInt(4000));
            p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no last write
            kills++;
            p = start(env, starts++);
          } else {
            Thread.sleep(500);
          }
          assertThat(p.isAlive()).as("controller running; see %s", dir).isTrue();
        }
        p.destroy();
        p.waitFor();

        List<String> lines = Files.readAllLines(log);
        long hookRuns = lines.stream().filter(l -> l.startsWith("start ")).count();
        long reruns =
            lines.stream().filter(l -> l.startsWith("start ") && !l.endsWith(" 1")).count();
        Map<String, Long> perInstance = new HashMap<>();
        asg.completions().forEach(c -> perInstance.merge(c.instanceId(), 1L, Long::sum));
        System.out.printf(
            "fleet controller kill e2e (seed %d): %d actions, %d messages, %d SIGKILLs, %d"
                + " controller starts, %d hook runs (%d on a later attempt), %d completions"
                + " accepted%n",
            SEED,
            INSTANCES,
            bodies.size(),
            kills,
            starts,
            hookRuns,
            reruns,
            asg.completions().size());
        assertThat(perInstance).hasSize(INSTANCES).allSatisfy((id, n) -> assertThat(n).isOne());
        assertThat(asg.completions())
            .allSatisfy(
                c -> {
                  assertThat(c.byTimeout()).isFalse();
                  assertThat(c.result()).isEqualTo("CONTINUE");
                });
        assertThat(hookRuns).isLessThanOrEqualTo(INSTANCES + kills);
      }
    } finally {
      mq.stopAndWait();
    }
  }

  private Process start(Map<String, String> env, int n) throws Exception {
    List<String> argv =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            MusterCli.JAR.toString(),
            "lifecycle");
    ProcessBuilder pb = new ProcessBuilder(argv);
    MusterCli.configureEnvironment(pb.environment(), env);
    pb.redirectOutput(dir.resolve("controller-" + n + ".out").toFile());
    pb.redirectError(dir.resolve("controller-" + n + ".err").toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return pb.start();
  }

  private static int onQueue(SqsClient sqs, String queue) {
    return sqs
        .getQueueAttributes(
            b ->
                b.queueUrl(queue)
                    .attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
        .attributes()
        .values()
        .stream()
        .mapToInt(Integer::parseInt)
        .sum();
  }

  private static String body(String instance, String token) {
    return "{\"LifecycleHookName\":\""
        + HOOK
        + "\",\"AccountId\":\"336463900088\",\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_LAUNCHING\","
        + "\"AutoScalingGroupName\":\""
        + GROUP
        + "\",\"Service\":\"AWS Auto Scaling\",\"EC2InstanceId\":\""
        + instance
        + "\",\"LifecycleActionToken\":\""
        + token
        + "\"}";
  }
}
