package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.credentials.HandoffFiles;
import io.muster.credentials.Secret;
import io.muster.credentials.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The private {@code HOME} one erl_call runs with: a 0700 directory under {@code state.dir/handoff}
 * whose {@code .erlang.cookie} (0400) holds the cookie, so the cookie is never in argv or on stdin;
 * removed when closed. Shared by every erl_call muster makes ({@link ErlCall}, {@link
 * ErlCallMnesia}).
 */
final class ErlCallHome implements AutoCloseable {
  /**
   * At most this per call: an answer takes milliseconds, and a host that drops packets must not
   * hold a join for the start timeout once per candidate.
   */
  static final Duration LIMIT = Duration.ofSeconds(10);

  private final Path dir;

  private ErlCallHome(Path dir) {
    this.dir = dir;
  }

  static ErlCallHome create(Path handoffBase, Secret cookie) throws AdapterException {
    Path dir;
    try {
      dir = HandoffFiles.newPrivateDir(handoffBase, "ejabberd");
    } catch (IOException e) {
      throw new AdapterException(
          "cannot create a private directory under " + handoffBase + " for erl_call: " + e, false);
    }
    ErlCallHome home = new ErlCallHome(dir);
    try {
      SecretFiles.writeNew(
          dir.resolve(".erlang.cookie"),
          cookie.reveal().getBytes(StandardCharsets.UTF_8),
          SecretFiles.OWNER_READ);
    } catch (IOException e) {
      home.close();
      throw new AdapterException("cannot write erl_call's cookie under " + dir + ": " + e, false);
    }
    return home;
  }

  /**
   * erl_call's argv up to the target: the configured command, a client node name of its own, and
   * the target {@code node} by long or short name. Without {@code -h} every erl_call is {@code
   * c17@<this host>}, so two at once (joiners that share a host name, the agent and a {@code muster
   * join} run by hand) would present one name to the same node, which then drops the first
   * connection as a restarted node.
   */
  List<String> argv(EjabberdSettings settings, String node) {
    List<String> argv = new ArrayList<>(settings.erlCall());
    argv.addAll(List.of("-h", clientName()));
    // Long names (a dot in the host: an address or a FQDN) or short ones, as the node uses.
    argv.add(NodeNameTemplate.hostPart(node).contains(".") ? "-name" : "-sname");
    argv.add(node);
    return argv;
  }

  /** erl_call's own node name: unique per call, like its directory (pid, random). */
  String clientName() {
    return "muster-" + dir.getFileName();
  }

  Map<String, String> env() {
    return Map.of("HOME", dir.toString());
  }

  static Duration limit(EjabberdSettings settings) {
    return settings.startTimeout().compareTo(LIMIT) < 0 ? settings.startTimeout() : LIMIT;
  }

  @Override
  public void close() {
    try {
      HandoffFiles.remove(dir);
    } catch (IOException ignored) {
      // The next start removes what a run left under state.dir/handoff.
    }
  }
}
