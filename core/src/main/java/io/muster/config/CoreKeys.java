package io.muster.config;

import static io.muster.config.Key.Kind.DURATION;
import static io.muster.config.Key.Kind.INT;
import static io.muster.config.Key.Kind.STRING;

import java.time.Duration;
import java.util.List;

/** Keys owned by core that are not specific to one discovery provider, store or adapter. */
public final class CoreKeys implements KeyCatalog {
  /** A cluster name: it becomes a path segment in every store. */
  public static final String CLUSTER_NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,62}";

  public static final Key CLUSTER_NAME =
      Key.of(
              "cluster.name",
              STRING,
              null,
              "Name of the cluster to form or join; nodes with the same name form ONE cluster.")
          .withFlag("--cluster")
          .constrained(
              Constraints.matching(
                  CLUSTER_NAME_PATTERN,
                  "1-63 letters, digits, '.', '_' or '-', starting with a letter or digit",
                  "not a valid cluster name",
                  "Use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit"));

  /**
   * An instance id: it names this node's record in every store (a file name, a parameter path
   * segment), so no path characters and no leading dot; the same rule as the stores' entry names.
   */
  public static final String INSTANCE_ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";

  public static final Key NODE_INSTANCE_ID =
      Key.of("node.instance-id", STRING, null, "This node's instance id; default: from IMDSv2.")
          .withFlag("--node-instance-id")
          .constrained(
              Constraints.matching(
                  INSTANCE_ID_PATTERN,
                  "1-128 letters, digits, '.', '_' or '-', starting with a letter or digit",
                  "not a valid instance id (it names this node's record in the store)",
                  "Use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"
                      + " (no '/'), e.g. i-0abc123 or n1"));
  public static final Key NODE_ADDRESS =
      Key.of("node.address", STRING, null, "This node's private IP address; default: from IMDSv2.")
          .withFlag("--node-address")
          .constrained(Constraints.unicastAddress());
  public static final Key NODE_HOSTNAME =
      Key.of(
          "node.hostname",
          STRING,
          null,
          "This node's host name; default: from IMDSv2, else the OS host name.");
  public static final Key NODE_REGION =
      Key.of("node.region", STRING, null, "AWS region; default: from IMDSv2 (or AWS_REGION).")
          .withFlag("--region")
          .constrained(
              Constraints.matching(
                  "[a-z0-9]+(-[a-z0-9]+)*",
                  "a region name such as eu-west-1",
                  "not a region name",
                  "Write it like eu-west-1"));
  public static final Key NODE_AVAILABILITY_ZONE =
      Key.of("node.availability-zone", STRING, null, "This node's AZ; default: from IMDSv2.");
  public static final Key NODE_ASG =
      Key.of(
          "node.auto-scaling-group",
          STRING,
          null,
          "This node's Auto Scaling group; default: from IMDSv2 (autoscaling/group-name).");

  public static final Key DISCOVERY_PROVIDER =
      Key.of("discovery.provider", STRING, "asg", "Peer discovery provider.")
          .withFlag("--discovery");
  public static final Key DISCOVERY_INTERVAL =
      Key.of(
              "discovery.interval",
              DURATION,
              "5s",
              "How often to discover while waiting or following.")
          .constrained(Constraints.between(Duration.ofMillis(100), Duration.ofHours(1)));

  public static final Key DISCOVERY_FLEET_RATE =
      Key.of(
              "discovery.fleet-rate",
              INT,
              "10",
              "Describe calls per second the whole fleet may spend when it reacts to one event (a"
                  + " cluster formed): in a view of n > 100 nodes, each re-discovers at a random moment"
                  + " within (n - 100) / rate seconds. Keep it well below the account's EC2 refill (20/s): other calls share it.")
          .constrained(Constraints.between(1, 10_000));

  public static final Key ELECTION_STABLE_FOR =
      Key.of(
              "election.stable-for",
              DURATION,
              "10s",
              "How long the view must stay unchanged before a seed may form the cluster.")
          .constrained(Constraints.between(Duration.ZERO, Duration.ofHours(1)));
  public static final Key ELECTION_MIN_PEERS =
      Key.of(
              "election.min-peers",
              INT,
              "1",
              "Smallest view (self included) in which a seed may form; set to the expected size to wait"
                  + " for the whole first fleet.")
          .constrained(Constraints.between(1, 100_000));

  public static final Key ELECTION_REPLACE_AFTER =
      Key.of(
              "election.replace-after",
              DURATION,
              "2m",
              "After whole-fleet loss: how long a formed cluster must show no live node in this node's"
                  + " view before a new one replaces it; must exceed the discovery lag.")
          .constrained(Constraints.between(Duration.ofSeconds(1), Duration.ofDays(1)));

  public static final Key ADAPTER_NAME =
      Key.of(
              "adapter.name",
              STRING,
              "exec",
              "Cluster adapter: what this node joins or keeps in step with the membership.")
          .withFlag("--adapter");
  public static final Key STORE_PROVIDER =
      Key.of(
          "store.provider",
          STRING,
          "ssm",
          "Credential store for formation records, member registrations and join secrets.");
  public static final Key STORE_FLEET_RATE =
      Key.of(
              "store.fleet-rate",
              INT,
              "20",
              "Credential store requests per second the whole fleet may spend while it forms: a"
                  + " waiting node of a fleet of n reads the formation record about every 2n / rate"
                  + " seconds, and the joins after a formation are spread over n x 4 / rate seconds"
                  + " from the formation."
                  + " Keep it below the account's store quota (SSM standard throughput: 40/s, shared"
                  + " with every other caller).")
          .constrained(Constraints.between(1, 100_000));
  public static final Key STATE_DIR =
      Key.of("state.dir", STRING, "/var/lib/muster", "Where muster keeps this node's own state.");

  public static final Key JOIN_TIMEOUT =
      Key.of("join.timeout", DURATION, "10m", "Give up joining after this long.")
          .withFlag("--timeout")
          .constrained(Constraints.between(Duration.ofSeconds(1), Duration.ofDays(1)));

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
        DISCOVERY_PROVIDER,
        DISCOVERY_INTERVAL,
        DISCOVERY_FLEET_RATE,
        ELECTION_STABLE_FOR,
        ELECTION_MIN_PEERS,
        ELECTION_REPLACE_AFTER,
        ADAPTER_NAME,
        STORE_PROVIDER,
        STORE_FLEET_RATE,
        STATE_DIR,
        JOIN_TIMEOUT);
  }
}
