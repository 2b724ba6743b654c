package io.muster.adapter.haproxy;

import io.muster.adapter.AdapterException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Runtime API commands the follower uses on one backend, each checking HAProxy's reply. HAProxy
 * answers every command in text, with no status code: the success texts below are those of 2.6.
 */
final class RuntimeCommands {
  /** What {@code del server} says while sessions or idle connections still hold the server. */
  static final String STILL_CONNECTED = "still has connections";

  private final RuntimeApi api;
  private final String backend;

  RuntimeCommands(RuntimeApi api, String backend) {
    this.api = api;
    this.backend = backend;
  }

  List<RunningServer> servers() throws AdapterException {
    String reply = send("show servers state " + backend);
    try {
      return RuntimeReplies.serversState(reply);
    } catch (IllegalArgumentException e) {
      throw refused(
          "show servers state " + backend,
          e.getMessage(),
          "Check that adapter.haproxy.backend names a backend of the running HAProxy");
    }
  }

  /** Current plus queued sessions per server. */
  Map<String, Integer> sessions() throws AdapterException {
    String command = "show stat " + backend + " 4 -1";
    String reply = send(command);
    try {
      return RuntimeReplies.sessions(reply, backend);
    } catch (IllegalArgumentException e) {
      throw refused(command, e.getMessage(), "");
    }
  }

  void add(DesiredServer s, String options) throws AdapterException {
    String command =
        "add server "
            + target(s.name())
            + " "
            + s.endpoint()
            + (options.isEmpty() ? "" : " " + options);
    expect(
        command,
        r -> r.startsWith("New server registered"),
        "HAProxy 2.6 adds servers only to backends with a dynamic algorithm (roundrobin,"
            + " leastconn, first, random) and accepts only the server keywords 'add server'"
            + " supports: check adapter.haproxy.server-options ('"
            + options
            + "')");
  }

  void enableServer(String name) throws AdapterException {
    expectEmpty("enable server " + target(name));
  }

  void enableHealth(String name) throws AdapterException {
    expectEmpty("enable health " + target(name));
  }

  void enableAgent(String name) throws AdapterException {
    expectEmpty("enable agent " + target(name));
  }

  void setState(String name, String state) throws AdapterException {
    expectEmpty("set server " + target(name) + " state " + state);
  }

  void setAddress(DesiredServer s) throws AdapterException {
    expect(
        "set server " + target(s.name()) + " addr " + s.addressText() + " port " + s.port(),
        r -> r.contains("changed from") || r.contains("no need to change"),
        "");
  }

  void shutdownSessions(String name) throws AdapterException {
    expectEmpty("shutdown sessions server " + target(name));
  }

  /**
   * @return true when deleted, false while connections still hold it (try again later)
   */
  boolean delete(String name) throws AdapterException {
    String command = "del server " + target(name);
    String reply = send(command).trim();
    if (reply.startsWith("Server deleted")) {
      return true;
    }
    if (reply.contains(STILL_CONNECTED)) {
      return false;
    }
    throw refused(command, reply, "");
  }

  private String target(String name) {
    return backend + "/" + name;
  }

  private void expectEmpty(String command) throws AdapterException {
    expect(command, String::isEmpty, "");
  }

  private void expect(String command, Predicate<String> ok, String hint) throws AdapterException {
    String reply = send(command).trim();
    if (!ok.test(reply)) {
      throw refused(command, reply, hint);
    }
  }

  private String send(String command) throws AdapterException {
    try {
      return api.execute(command);
    } catch (IOException e) {
      throw new AdapterException(
          "cannot reach the HAProxy Runtime API at "
              + api.describe()
              + " (`"
              + command
              + "`): "
              + e.getMessage()
              + ". Check that HAProxy runs and its global section has `stats socket "
              + api.describe()
              + " level admin expose-fd listeners` (adapter.haproxy.runtime-socket)",
          true,
          e);
    }
  }

  private AdapterException refused(String command, String reply, String hint) {
    if (reply.contains("Permission denied")) {
      hint =
          "The stats socket at "
              + api.describe()
              + " must be declared with `level admin` (adapter.haproxy.runtime-socket)";
    }
    return new AdapterException(
        "HAProxy refused `"
            + command
            + "` on "
            + api.describe()
            + ": \""
            + reply
            + "\""
            + (hint.isEmpty() ? "" : ". " + hint),
        false);
  }
}
