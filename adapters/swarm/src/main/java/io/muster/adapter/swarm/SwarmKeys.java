package io.muster.adapter.swarm;

import static io.muster.config.Key.Kind.INT;
import static io.muster.config.Key.Kind.MAP;
import static io.muster.config.Key.Kind.STRING;

import io.muster.config.Constraints;
import io.muster.config.Key;
import java.util.List;

/** The swarm adapter's configuration keys (declared once here, listed by the provider). */
public final class SwarmKeys {
  private SwarmKeys() {}

  public static final Key SOCKET =
      Key.of(
          "adapter.swarm.socket",
          STRING,
          "/var/run/docker.sock",
          "The Docker engine's API socket on this node (a path, or unix:///path).");
  public static final Key ROLE =
      Key.of(
          "adapter.swarm.role",
          STRING,
          "auto",
          "manager, worker, or auto: the first adapter.swarm.managers nodes of the ranked view"
              + " (seed first) join as managers, the rest as workers.");
  public static final Key MANAGERS =
      Key.of(
              "adapter.swarm.managers",
              INT,
              "3",
              "How many managers role auto aims for: 1, 3, 5 or 7 (an odd number keeps a raft"
                  + " majority).")
          .constrained(Constraints.between(1, 7));
  public static final Key LABELS =
      Key.of(
          "adapter.swarm.labels",
          MAP,
          null,
          "Swarm node labels (KEY=VALUE) this node sets on itself when it is a manager; workers"
              + " cannot (see docs/adapters/swarm.md).");
  public static final Key LISTEN_PORT =
      Key.of(
              "adapter.swarm.listen-port",
              INT,
              "2377",
              "Swarm management port; listen and advertise address is node.address:PORT, never"
                  + " 0.0.0.0.")
          .constrained(Constraints.between(1, 65535));

  public static List<Key> all() {
    return List.of(SOCKET, ROLE, MANAGERS, LABELS, LISTEN_PORT);
  }
}
