package io.muster.adapter.swarm;

import io.muster.config.ConfigException;
import io.muster.config.Settings;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The swarm adapter's validated settings.
 *
 * @param socket the engine's unix socket
 * @param role the role policy
 * @param managers the manager count role auto aims for (odd, 1..7)
 * @param labels node labels a manager sets on itself
 * @param listenPort the swarm management port
 */
public record SwarmSettings(
    Path socket, RolePolicy role, int managers, Map<String, String> labels, int listenPort) {

  /** Which token a joining node uses. */
  public enum RolePolicy {
    MANAGER,
    WORKER,
    AUTO
  }

  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");

  public SwarmSettings {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(role, "role");
    labels = Map.copyOf(labels);
    if (!socket.isAbsolute()) {
      throw new IllegalArgumentException("socket must be an absolute path: " + socket);
    }
    if (managers < 1 || managers > 7 || managers % 2 == 0) {
      throw new IllegalArgumentException("managers must be 1, 3, 5 or 7: " + managers);
    }
    if (listenPort < 1 || listenPort > 65535) {
      throw new IllegalArgumentException("listen port out of range: " + listenPort);
    }
    for (String k : labels.keySet()) {
      if (!LABEL_KEY.matcher(k).matches()) {
        throw new IllegalArgumentException("bad label key: " + k);
      }
    }
  }

  /** Reads and validates; errors name the key, the value, its source and the fix. */
  public static SwarmSettings from(Settings s) {
    String rawSocket = s.string(SwarmKeys.SOCKET, "give the Docker engine socket path");
    String path = rawSocket.startsWith("unix://") ? rawSocket.substring(7) : rawSocket;
    if (!path.startsWith("/")) {
      throw ConfigException.invalid(
          SwarmKeys.SOCKET,
          rawSocket,
          s.source(SwarmKeys.SOCKET),
          "not an absolute unix socket path (TCP engines are not supported)",
          "Use a path such as /var/run/docker.sock");
    }
    String rawRole = s.string(SwarmKeys.ROLE, "give manager, worker or auto").trim();
    RolePolicy role =
        switch (rawRole.toLowerCase(Locale.ROOT)) {
          case "manager" -> RolePolicy.MANAGER;
          case "worker" -> RolePolicy.WORKER;
          case "auto" -> RolePolicy.AUTO;
          default ->
              throw ConfigException.invalid(
                  SwarmKeys.ROLE,
                  rawRole,
                  s.source(SwarmKeys.ROLE),
                  "unknown role",
                  "Use manager, worker or auto");
        };
    int managers = s.integer(SwarmKeys.MANAGERS);
    if (managers % 2 == 0) {
      throw ConfigException.invalid(
          SwarmKeys.MANAGERS,
          String.valueOf(managers),
          s.source(SwarmKeys.MANAGERS),
          "an even manager count tolerates no more failures than one manager fewer",
          "Use 1, 3, 5 or 7 (" + (managers - 1) + " or " + (managers + 1) + ")");
    }
    Map<String, String> labels = s.map(SwarmKeys.LABELS);
    for (String k : labels.keySet()) {
      if (!LABEL_KEY.matcher(k).matches()) {
        throw ConfigException.invalid(
            SwarmKeys.LABELS,
            k,
            s.source(SwarmKeys.LABELS),
            "not a valid label key",
            "Use letters, digits, '.', '_', '/' and '-', starting with a letter or digit");
      }
    }
    int port = s.integer(SwarmKeys.LISTEN_PORT);
    return new SwarmSettings(Path.of(path), role, managers, labels, port);
  }
}
