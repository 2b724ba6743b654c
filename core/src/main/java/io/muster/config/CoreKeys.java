package io.muster.config;

import static io.muster.config.Key.Kind.BOOL;
import static io.muster.config.Key.Kind.DURATION;
import static io.muster.config.Key.Kind.INT;
import static io.muster.config.Key.Kind.STRING;

import java.util.List;

/** Keys owned by core that are not specific to one discovery provider, store or adapter. */
public final class CoreKeys implements KeyCatalog {
  public static final Key CLUSTER_NAME =
      Key.of(
              "cluster.name",
              STRING,
              null,
              "Name of the cluster to form or join; nodes with the same name form ONE cluster.")
          .withFlag("--cluster");

  public static final Key NODE_INSTANCE_ID =
      Key.of("node.instance-id", STRING, null, "This node's instance id; default: from IMDSv2.")
          .withFlag("--node-instance-id");
  public static final Key NODE_ADDRESS =
      Key.of("node.address", STRING, null, "This node's private IP address; default: from IMDSv2.")
          .withFlag("--node-address");
  public static final Key NODE_HOSTNAME =
      Key.of(
          "node.hostname",
          STRING,
          null,
          "This node's host name; default: from IMDSv2, else the OS host name.");
  public static final Key NODE_REGION =
      Key.of("node.region", STRING, null, "AWS region; default: from IMDSv2 (or AWS_REGION).")
          .withFlag("--region");
  public static final Key NODE_AVAILABILITY_ZONE =
      Key.of("node.availability-zone", STRING, null, "This node's AZ; default: from IMDSv2.");
  public static final Key NODE_ASG =
      Key.of(
          "node.auto-scaling-group",
          STRING,
          null,
          "This node's Auto Scaling group; default: from IMDSv2 (autoscaling/group-name).");
  public static final Key IMDS_ENDPOINT =
      Key.of(
          "node.imds-endpoint",
          STRING,
          "http://169.254.169.254",
          "Instance metadata endpoint (IMDSv2 only).");
  public static final Key IMDS_TIMEOUT =
      Key.of(
          "node.imds-timeout",
          DURATION,
          "1s",
          "Per-request timeout for instance metadata; off EC2 identity fails within 2x this.");

  public static final Key AWS_ENDPOINT_URL =
      Key.of(
              "aws.endpoint-url",
              STRING,
              null,
              "Override the endpoint of every AWS API call (an AWS-compatible or local endpoint).")
          .withFlag("--endpoint-url");
  public static final Key AWS_CALL_TIMEOUT =
      Key.of("aws.call-timeout", DURATION, "10s", "Timeout of one AWS API call, retries included.");

  public static final Key DISCOVERY_PROVIDER =
      Key.of("discovery.provider", STRING, "asg", "Peer discovery: asg, ec2-tags, static or dns.")
          .withFlag("--discovery");
  public static final Key DISCOVERY_INTERVAL =
      Key.of(
          "discovery.interval",
          DURATION,
          "5s",
          "How often to discover while waiting or following.");

  public static final Key DISCOVERY_FLEET_RATE =
      Key.of(
          "discovery.fleet-rate",
          INT,
          "10",
          "Describe calls per second the whole fleet may spend when it reacts to one event (a"
              + " cluster formed): in a view of n > 100 nodes, each re-discovers at a random moment"
              + " within (n - 100) / rate seconds. Keep it well below the account's EC2 refill (20/s): other calls share it.");

  public static final Key ELECTION_STABLE_FOR =
      Key.of(
          "election.stable-for",
          DURATION,
          "10s",
          "How long the view must stay unchanged before a seed may form the cluster.");
  public static final Key ELECTION_MIN_PEERS =
      Key.of(
          "election.min-peers",
          INT,
          "1",
          "Smallest view (self included) in which a seed may form; set to the expected size to wait"
              + " for the whole first fleet.");

  public static final Key ELECTION_REPLACE_AFTER =
      Key.of(
          "election.replace-after",
          DURATION,
          "2m",
          "After whole-fleet loss: how long a formed cluster must show no live node in this node's"
              + " view before a new one replaces it; must exceed the discovery lag.");

  public static final Key ADAPTER_NAME =
      Key.of("adapter.name", STRING, "exec", "Cluster adapter: ejabberd, swarm, haproxy or exec.")
          .withFlag("--adapter");
  public static final Key STORE_PROVIDER =
      Key.of("store.provider", STRING, "ssm", "Credential store: ssm, secretsmanager or file.");
  public static final Key STATE_DIR =
      Key.of("state.dir", STRING, "/var/lib/muster", "Where muster keeps this node's own state.");

  public static final Key LOG_FORMAT =
      Key.of("log.format", STRING, "text", "Log line format: text or json.")
          .withFlag("--log-format");
  public static final Key LOG_LEVEL =
      Key.of("log.level", STRING, "info", "Log level: error, warn, info, debug.");

  public static final Key JOIN_TIMEOUT =
      Key.of("join.timeout", DURATION, "10m", "Give up joining after this long.")
          .withFlag("--timeout");
  public static final Key AGENT_CHECK_INTERVAL =
      Key.of(
          "agent.check-interval",
          DURATION,
          "60s",
          "How often `muster agent` re-checks a node that is a member (store reads and the"
              + " adapter's verify). Every discovery.interval would be 400 store reads a second at"
              + " 1,000 nodes; SSM's default quota is 40.");

  public static final Key AGENT_LEAVE_ON_SHUTDOWN =
      Key.of(
          "agent.leave-on-shutdown",
          BOOL,
          "false",
          "Leave the cluster when the agent receives SIGTERM.");

  @Override
  public String section() {
    return "0 General";
  }

  @Override
  public List<Key> keys() {
    return List.of(
        CLUSTER_NAME,
        NODE_INSTANCE_ID,
        NODE_ADDRESS,
        NODE_HOSTNAME,
        NODE_REGION,
        NODE_AVAILABILITY_ZONE,
        NODE_ASG,
        IMDS_ENDPOINT,
        IMDS_TIMEOUT,
        AWS_ENDPOINT_URL,
        AWS_CALL_TIMEOUT,
        DISCOVERY_PROVIDER,
        DISCOVERY_INTERVAL,
        DISCOVERY_FLEET_RATE,
        ELECTION_STABLE_FOR,
        ELECTION_MIN_PEERS,
        ELECTION_REPLACE_AFTER,
        ADAPTER_NAME,
        STORE_PROVIDER,
        STATE_DIR,
        LOG_FORMAT,
        LOG_LEVEL,
        JOIN_TIMEOUT,
        AGENT_CHECK_INTERVAL,
        AGENT_LEAVE_ON_SHUTDOWN);
  }
}
