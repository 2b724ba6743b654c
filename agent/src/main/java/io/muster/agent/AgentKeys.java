package io.muster.agent;

import static io.muster.config.Key.Kind.BOOL;
import static io.muster.config.Key.Kind.DURATION;
import static io.muster.config.Key.Kind.STRING;

import io.muster.agent.http.HttpAddress;
import io.muster.config.Constraints;
import io.muster.config.Key;
import io.muster.config.KeyCatalog;
import java.time.Duration;
import java.util.List;

/** Keys of the daemon runtime ({@code muster agent}) and of logging. */
public final class AgentKeys implements KeyCatalog {
  public static final Key LOG_FORMAT =
      Key.of("log.format", STRING, "text", "Log line format.")
          .withFlag("--log-format")
          .constrained(Constraints.oneOf("text", "json"));
  public static final Key LOG_LEVEL =
      Key.of("log.level", STRING, "info", "Log level.")
          .constrained(Constraints.oneOf("error", "warn", "info", "debug"));

  public static final Key CHECK_INTERVAL =
      Key.of(
              "agent.check-interval",
              DURATION,
              "60s",
              "How often `muster agent` re-checks a node that is a member with the adapter's"
                  + " verify. Its store reads (the current generation, its own record) come at most"
                  + " every n x 8 / store.fleet-rate seconds in a fleet of n (400 s at 1,000 nodes),"
                  + " so the fleet's checks take a quarter of store.fleet-rate.")
          .constrained(Constraints.between(Duration.ofSeconds(1), Duration.ofHours(24)));

  public static final Key LEAVE_ON_SHUTDOWN =
      Key.of(
          "agent.leave-on-shutdown",
          BOOL,
          "false",
          "Leave the cluster when the agent receives SIGTERM.");

  public static final Key HTTP_ADDRESS =
      Key.of(
              "agent.http-address",
              STRING,
              "127.0.0.1:9797",
              "Where `muster agent` serves /livez, /readyz, /status and /metrics (see"
                  + " docs/observability.md). Loopback unless set otherwise: /status names the"
                  + " cluster's members, so serving it beyond this host is the operator's explicit"
                  + " choice. Port 0 picks a free port (logged). Empty: no HTTP endpoint.")
          .constrained(HttpAddress.constraint());

  public static final Key LIVENESS_TIMEOUT =
      Key.of(
              "agent.liveness-timeout",
              DURATION,
              "5m",
              "/livez answers 503 once the agent's loop is this far behind: a step running this"
                  + " long, or a wait overrunning its due time by this much. Longer than the"
                  + " slowest join step (ejabberd restarts, a swarm join).")
          .constrained(Constraints.between(Duration.ofSeconds(10), Duration.ofHours(24)));

  @Override
  public String section() {
    return "2 Agent and logging";
  }

  @Override
  public List<Key> keys() {
    return List.of(
        LOG_FORMAT, LOG_LEVEL, CHECK_INTERVAL, LEAVE_ON_SHUTDOWN, HTTP_ADDRESS, LIVENESS_TIMEOUT);
  }
}
