package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  static final String EXAMPLE = Path.of("..", "examples", "static.yaml").toString();

  record Run(int code, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  @Test
  void versionIsTheProjectVersionFromThePom() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "<parent>.*?<version>([^<]+)</version>", java.util.regex.Pattern.DOTALL)
            .matcher(pom);
    assertThat(m.find()).isTrue();
    Run r = run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out().trim()).isEqualTo("muster " + m.group(1));
  }

  @Test
  void peersJsonHasTheDocumentedShape() throws Exception {
    Run r = run("peers", "-c", EXAMPLE, "--output", "json");
    assertThat(r.code()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.at("/self/address").asText()).isEqualTo("10.0.0.12");
    assertThat(j.at("/self/instanceId").asText()).isEqualTo("n2");
    assertThat(j.at("/self/hostname").asText()).isEqualTo("n2");
    assertThat(j.at("/peers")).hasSize(3);
    assertThat(j.at("/peers/0/rank").asInt()).isEqualTo(1);
    assertThat(j.at("/peers/0/address").asText()).isEqualTo("10.0.0.9");
    assertThat(j.at("/peers/2/address").asText()).isEqualTo("10.0.0.12");
    assertThat(j.at("/seed/address").asText()).isEqualTo("10.0.0.9");
    assertThat(j.at("/peers/0/hostname").asText()).isEqualTo("n3");
    assertThat(j.at("/decision").asText()).isEqualTo("wait");
    assertThat(j.at("/reason").asText()).contains("seed is 10.0.0.9");
  }

  @Test
  void flagsOverrideTheFile() throws Exception {
    Run r =
        run(
            "peers",
            "-c",
            EXAMPLE,
            "--output",
            "json",
            "--node-address",
            "10.0.0.9",
            "--node-instance-id",
            "n3");
    assertThat(r.code()).isZero();
    assertThat(new ObjectMapper().readTree(r.out()).at("/decision").asText()).isEqualTo("form");
  }

  @Test
  void selfOutsideTheViewIsExplainedAndStillExitsZero() {
    Run r = run("peers", "-c", EXAMPLE, "--node-address", "10.9.9.9");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("is not in its own view");
  }

  @Test
  void badValueExitsTwoNamingKeyValueAndSource() {
    Run r = run(Map.of("MUSTER_ELECTION_STABLE_FOR", "soon"), "peers", "-c", EXAMPLE);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "election.stable-for='soon' (from env MUSTER_ELECTION_STABLE_FOR): not a duration");
  }

  @Test
  void unknownProviderListsTheKnownOnes() {
    Run r = run("peers", "-c", EXAMPLE, "--discovery", "consul");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("discovery.provider='consul'").contains("static").contains("dns");
  }

  @Test
  void badStaticPeerNamesTheItem() {
    Run r = run("peers", "-c", EXAMPLE, "--peers", "10.0.0.1,web-1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("discovery.static.peers='web-1'");
  }

  @Test
  void unknownFlagIsAUsageError() {
    Run r = run("peers", "--no-such-flag");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option");
  }

  @Test
  void offEc2WithoutAnAddressFailsWithTheOverrideToSet() {
    Map<String, String> env = new HashMap<>();
    env.put("MUSTER_NODE_IMDS_ENDPOINT", "http://127.0.0.1:9"); // discard port: nothing listens
    env.put("MUSTER_NODE_IMDS_TIMEOUT", "300ms");
    Run r = run(env, "peers", "--discovery", "static", "--peers", "10.0.0.1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("node.address").contains("--node-address");
  }

  @Test
  void configCheckRedactsNothingSecretAndShowsSources() {
    Run r = run("config", "check", "-c", EXAMPLE, "--cluster", "override");
    assertThat(r.code()).isZero();
    assertThat(r.out()).containsPattern("cluster.name\\s+override\\s+# flag --cluster");
    assertThat(r.out()).containsPattern("discovery.provider\\s+static\\s+# file ");
    assertThat(r.out()).containsPattern("election.replace-after\\s+2m\\s+# default");
    assertThat(r.out()).contains("# configuration is valid");
  }

  @Test
  void iamPolicyIsValidJsonWithOnlyWhatTheConfigNeeds() throws Exception {
    Run r = run("iam-policy", "-c", EXAMPLE, "--discovery", "static");
    assertThat(r.code()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.at("/Version").asText()).isEqualTo("2012-10-17");
    assertThat(j.at("/Statement"))
        .isEmpty(); // static discovery + file store need no AWS permission
  }

  @Test
  void iamPolicyForAsgAndSsmIsScopedToTheClustersParameters() throws Exception {
    Run r =
        run(
            "iam-policy",
            "--discovery",
            "asg",
            "--asg",
            "web",
            "--cluster",
            "prod",
            "--node-address",
            "10.0.0.1");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode st = new ObjectMapper().readTree(r.out()).at("/Statement");
    assertThat(st.get(0).at("/Action").toString())
        .contains("autoscaling:DescribeAutoScalingGroups", "ec2:DescribeInstances");
    assertThat(st.get(1).at("/Action").toString())
        .contains("ssm:PutParameter")
        .doesNotContain("kms:");
    assertThat(st.get(1).at("/Resource").asText())
        .isEqualTo("arn:aws:ssm:*:*:parameter/muster/prod/*");
  }

  @Test
  void iamPolicyAddsExactlyTheLifecycleActionsTheHooksNeed() throws Exception {
    Map<String, String> hooks =
        Map.of(
            "MUSTER_LIFECYCLE_ENABLED", "true",
            "MUSTER_LIFECYCLE_TERMINATE_HOOK", "drain",
            "MUSTER_NODE_AUTO_SCALING_GROUP", "web");
    Run r = run(hooks, "iam-policy", "-c", EXAMPLE, "--discovery", "static");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode st = new ObjectMapper().readTree(r.out()).at("/Statement");
    assertThat(st).hasSize(2);
    assertThat(st.get(0).at("/Sid").asText()).isEqualTo("MusterLifecycleHooks");
    assertThat(st.get(0).at("/Action").toString())
        .isEqualTo(
            "[\"autoscaling:CompleteLifecycleAction\",\"autoscaling:RecordLifecycleActionHeartbeat\"]");
    assertThat(st.get(0).at("/Resource").asText())
        .isEqualTo("arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/web");
    assertThat(st.get(1).at("/Action").toString())
        .isEqualTo("[\"autoscaling:DescribeAutoScalingInstances\"]");

    Run spotOnly =
        run(
            Map.of("MUSTER_LIFECYCLE_ENABLED", "true"),
            "iam-policy",
            "-c",
            EXAMPLE,
            "--discovery",
            "static");
    assertThat(new ObjectMapper().readTree(spotOnly.out()).at("/Statement"))
        .as("watching instance metadata needs no permission")
        .isEmpty();
  }

  /**
   * The deadlock trap: new instances wait in Pending:Wait, which asg discovery skips by default.
   */
  @Test
  void aLaunchHookWithAsgDiscoveryWithoutIncludePendingIsRefusedByCheckAndJoin() {
    Map<String, String> env =
        Map.of(
            "MUSTER_LIFECYCLE_ENABLED", "true",
            "MUSTER_LIFECYCLE_LAUNCH_HOOK", "muster-launch",
            "MUSTER_NODE_AUTO_SCALING_GROUP", "chat",
            "MUSTER_DISCOVERY_PROVIDER", "asg");
    for (String[] args :
        List.of(
            new String[] {"config", "check", "--skip-host-checks", "-c", EXAMPLE},
            new String[] {"join", "-c", EXAMPLE})) {
      Run r = run(env, args);
      assertThat(r.code()).as(args[0] + ": " + r.out() + r.err()).isEqualTo(2);
      assertThat(r.err())
          .contains("lifecycle.launch-hook='muster-launch'")
          .contains("Set discovery.asg.include-pending: true");
    }
    Map<String, String> fixed = new java.util.HashMap<>(env);
    fixed.put("MUSTER_DISCOVERY_ASG_INCLUDE_PENDING", "true");
    Run ok = run(fixed, "config", "check", "--skip-host-checks", "-c", EXAMPLE);
    assertThat(ok.code()).as(ok.err()).isZero();
  }

  @Test
  void aHookWithoutLifecycleEnabledIsAConfigurationError() {
    Run r =
        run(
            Map.of("MUSTER_LIFECYCLE_LAUNCH_HOOK", "gate"),
            "iam-policy",
            "-c",
            EXAMPLE,
            "--discovery",
            "static");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("lifecycle.launch-hook='gate'").contains("lifecycle.enabled");

    Run check =
        run(
            Map.of(
                "MUSTER_LIFECYCLE_ENABLED", "true",
                "MUSTER_LIFECYCLE_HEARTBEAT_TIMEOUT", "60s",
                "MUSTER_LIFECYCLE_HEARTBEAT_INTERVAL", "60s"),
            "config",
            "check",
            "-c",
            EXAMPLE);
    assertThat(check.code()).as(check.out()).isEqualTo(2);
    assertThat(check.err())
        .contains("lifecycle.heartbeat-interval='60s'")
        .contains("lifecycle.heartbeat-timeout");
  }

  /**
   * A customer-managed key: the KMS actions in a statement of their own, on the key (KMS never
   * authorizes against a parameter ARN), the parameters still scoped to the cluster.
   */
  @Test
  void iamPolicyGrantsTheStoresKmsKeyApartFromItsParameters() throws Exception {
    Run r =
        run(
            Map.of(
                "MUSTER_STORE_SSM_KMS_KEY_ID",
                "alias/muster-chat",
                "MUSTER_STORE_SSM_PREFIX",
                "/m/"),
            "iam-policy",
            "--discovery",
            "static",
            "--peers",
            "10.0.0.1",
            "--cluster",
            "prod",
            "--node-address",
            "10.0.0.1");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode st = new ObjectMapper().readTree(r.out()).at("/Statement");
    assertThat(st).hasSize(2);
    assertThat(st.get(0).at("/Action").toString())
        .contains("ssm:PutParameter")
        .doesNotContain("kms:");
    assertThat(st.get(0).at("/Resource").asText()).isEqualTo("arn:aws:ssm:*:*:parameter/m/prod/*");
    assertThat(st.get(1).at("/Sid").asText()).isEqualTo("MusterCredentialStoreKey");
    assertThat(st.get(1).at("/Action").toString()).isEqualTo("[\"kms:Decrypt\",\"kms:Encrypt\"]");
    assertThat(st.get(1).at("/Resource").asText()).isEqualTo("arn:aws:kms:*:*:key/*");
    assertThat(st.get(1).at("/Condition/ForAnyValue:StringEquals/kms:ResourceAliases").asText())
        .isEqualTo("alias/muster-chat");
  }

  /** HAProxy on a load balancer follows membership and never opens the store. */
  @Test
  void iamPolicyOfAPureFollowerHasNoStoreStatement() throws Exception {
    Run r =
        run(
            Map.of("MUSTER_ADAPTER_HAPROXY_BACKEND", "web"),
            "iam-policy",
            "--adapter",
            "haproxy",
            "--discovery",
            "asg",
            "--asg",
            "web",
            "--cluster",
            "web",
            "--node-address",
            "10.0.0.1");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode st = new ObjectMapper().readTree(r.out()).at("/Statement");
    assertThat(st).hasSize(1);
    assertThat(st.get(0).at("/Sid").asText()).isEqualTo("MusterDiscovery");
  }

  /**
   * Each {@code Main.run} parses afresh: a flag given to one run reaches no later run in the same
   * JVM (an earlier session suspected {@code --adapter haproxy} of doing so; every command run
   * after it here answers as before it).
   */
  @Test
  void aFlagGivenToOneRunDoesNotReachTheNext() {
    Map<String, String> env = Map.of("MUSTER_ADAPTER_HAPROXY_BACKEND", "web");
    String[] policy = {
      "iam-policy",
      "--discovery",
      "asg",
      "--asg",
      "web",
      "--cluster",
      "web",
      "--node-address",
      "10.0.0.1"
    };
    String[] check = {"config", "check", "-c", EXAMPLE};
    Run policyBefore = run(env, policy);
    Run checkBefore = run(env, check);

    Run followerPolicy = run(env, withArgs(policy, "--adapter", "haproxy"));
    Run followerCheck = run(env, withArgs(check, "--adapter", "haproxy"));

    assertThat(followerPolicy.out()).doesNotContain("MusterCredentialStore");
    assertThat(followerCheck.out()).contains("adapter haproxy follows the membership");
    assertThat(run(env, policy).out())
        .contains("MusterCredentialStore")
        .isEqualTo(policyBefore.out());
    assertThat(run(env, check).out())
        .doesNotContain("adapter haproxy")
        .isEqualTo(checkBefore.out());
  }

  private static String[] withArgs(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  /**
   * What a new user tried (issue "One home per concern"): config check said "configuration is
   * valid" for each of these while join rejected it, or both silently accepted it.
   */
  @Test
  void configCheckRejectsWhatJoinRejects(@TempDir Path dir) throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("election:\n  stable-for: -5s\n", "election.stable-for='-5s'");
    cases.put("adapter:\n  name: consul\n", "adapter.name='consul'");
    cases.put("store:\n  provider: vault\n", "store.provider='vault'");
    cases.put("election:\n  min-peers: -3\n", "election.min-peers='-3'");
    cases.put("log:\n  level: garbage\n", "log.level='garbage'");
    cases.put(
        "election:\n  stable-for: 5s\n  stable-for: 30s\n",
        "key 'election.stable-for' is given twice");
    int i = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path f = dir.resolve("case" + i++ + ".yaml");
      // The example with its election section swapped for the case's own.
      Files.writeString(
          f, withoutSection(Files.readString(Path.of(EXAMPLE)), c.getKey()) + c.getKey());
      Run check = run("config", "check", "-c", f.toString());
      Run join = run("join", "--dry-run", "-c", f.toString());
      assertThat(check.code()).as(c.getValue() + ": " + check.err()).isEqualTo(2);
      assertThat(check.err()).contains("configuration error").contains(c.getValue());
      assertThat(join.code()).as(c.getValue() + ": " + join.err()).isEqualTo(2);
      assertThat(join.err()).contains(c.getValue());
    }
  }

  /** The example without the top-level section the case redefines. */
  private static String withoutSection(String yaml, String caseYaml) {
    String section = caseYaml.substring(0, caseYaml.indexOf(':') + 1);
    StringBuilder out = new StringBuilder();
    boolean skipping = false;
    for (String line : yaml.split("\n")) {
      if (!line.startsWith(" ")) {
        skipping = line.startsWith(section);
      }
      if (!skipping) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  @Test
  void configCheckNotesThatAFollowingAdapterIsForTheAgent() {
    Run r = run("config", "check", "-c", EXAMPLE, "--adapter", "haproxy", "--discovery", "static");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("adapter.haproxy.backend is required");
    Map<String, String> env = Map.of("MUSTER_ADAPTER_HAPROXY_BACKEND", "web");
    Run ok = run(env, "config", "check", "-c", EXAMPLE, "--adapter", "haproxy");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out())
        .contains("# note: adapter haproxy follows the membership and joins nothing");
    Run join = run(env, "join", "--dry-run", "-c", EXAMPLE, "--adapter", "haproxy");
    assertThat(join.code()).isEqualTo(2);
    assertThat(join.err())
        .contains("choose an adapter that joins a cluster: ejabberd, exec, swarm");
  }
}
