package io.muster.adapter.haproxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory HAProxy 2.6 backend speaking the Runtime API and master CLI texts the follower
 * relies on (copied from a real 2.6.12), recording every command. A reload rebuilds the backend
 * from the managed block of the config file, as a new worker would.
 */
final class FakeHaproxy {
  static final String STATE_HEADER =
      "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight"
          + " srv_iweight srv_time_since_last_change srv_check_status srv_check_result"
          + " srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id"
          + " srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr"
          + " srv_agent_addr srv_agent_port";
  static final String STAT_HEADER =
      "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,"
          + "wredis,status,weight,act,bck";

  static final class Srv {
    String addr;
    int port;
    int admin = RunningServer.FORCED_MAINT;
    int sessions;

    /** Idle connections that make del server refuse this many more times. */
    int idleHolds;

    boolean health;

    Srv(String addr, int port) {
      this.addr = addr;
      this.port = port;
    }
  }

  private static final Pattern TARGET = Pattern.compile("([^/ ]+)/(\\S+)");

  final String backend;
  final Path config;
  final Map<String, Srv> servers = new LinkedHashMap<>();
  final List<String> commands = new ArrayList<>();
  final List<String> masterCommands = new ArrayList<>();
  int reloads;
  int workerPid = 100;
  boolean down;

  FakeHaproxy(String backend, Path config) {
    this.backend = backend;
    this.config = config;
  }

  /** A server as if loaded from the configuration: enabled. */
  Srv configured(String name, String addr, int port) {
    Srv s = new Srv(addr, port);
    s.admin = 0;
    servers.put(name, s);
    return s;
  }

  RuntimeApi runtime() {
    return command -> {
      if (down) {
        throw new IOException("Connection refused");
      }
      commands.add(command);
      return answer(command);
    };
  }

  RuntimeApi master() {
    return command -> {
      masterCommands.add(command);
      if (command.equals("reload")) {
        reload();
        return "";
      }
      if (command.equals("show proc")) {
        return "#<PID>          <type>          <reloads>       <uptime>        <version>\n"
            + "1               master          "
            + reloads
            + " [failed: 0]   0d00h00m10s     2.6.12-1+deb12u4\n"
            + "# workers\n"
            + workerPid
            + "             worker          0               0d00h00m01s     2.6.12-1+deb12u4\n"
            + "# programs\n\n";
      }
      return "Unknown command: '" + command + "'";
    };
  }

  /** The servers names and endpoints, for assertions. */
  Map<String, String> endpoints() {
    Map<String, String> out = new LinkedHashMap<>();
    servers.forEach((n, s) -> out.put(n, s.addr + ":" + s.port));
    return out;
  }

  private void reload() throws IOException {
    reloads++;
    workerPid++;
    servers.clear();
    ManagedConfig block;
    try {
      block = ManagedConfig.parse(Files.readString(config), backend, config);
    } catch (Exception e) {
      throw new IOException(e);
    }
    for (ManagedConfig.ServerLine l : block.servers()) {
      int colon = l.endpoint().lastIndexOf(':');
      configured(
          l.name(),
          l.endpoint().substring(0, colon).replace("[", "").replace("]", ""),
          Integer.parseInt(l.endpoint().substring(colon + 1)));
    }
  }

  private String answer(String c) {
    String[] t = c.split(" ");
    if (c.equals("show servers state " + backend)) {
      StringBuilder b = new StringBuilder("1\n" + STATE_HEADER + "\n");
      int id = 1;
      for (Map.Entry<String, Srv> e : servers.entrySet()) {
        Srv s = e.getValue();
        int op = (s.admin & RunningServer.FORCED_MAINT) != 0 ? 0 : 2;
        b.append(
            "3 %s %d %s %s %d %d 1 1 5 1 0 0 0 0 0 0 - %d - 0 0 - - 0\n"
                .formatted(backend, id++, e.getKey(), s.addr, op, s.admin, s.port));
      }
      return b + "\n";
    }
    if (c.startsWith("show servers state ")) {
      return "Can't find backend.\n";
    }
    if (c.equals("show stat " + backend + " 4 -1")) {
      StringBuilder b = new StringBuilder(STAT_HEADER + "\n");
      servers.forEach(
          (n, s) ->
              b.append(backend)
                  .append(',')
                  .append(n)
                  .append(",0,0,")
                  .append(s.sessions)
                  .append(",0,,0,0,0,,0,,0,0,0,0,UP,1,1,0\n"));
      return b + "\n";
    }
    int at = c.startsWith("shutdown sessions server ") ? 3 : 2;
    Matcher m = t.length > at ? TARGET.matcher(t[at]) : null;
    if (m == null || !m.matches()) {
      return "Unknown command: '" + c + "'\n";
    }
    if (!m.group(1).equals(backend)) {
      return "No such backend.\n";
    }
    String name = m.group(2);
    Srv s = servers.get(name);
    if (c.startsWith("add server ")) {
      if (s != null) {
        return "Already exists a server with the same name in backend.\n";
      }
      if (c.contains("banana")) {
        return "unexpected character 'b' in 'agent-inter' argument of server " + name + "..\n";
      }
      int colon = t[3].lastIndexOf(':');
      servers.put(
          name,
          new Srv(
              t[3].substring(0, colon).replace("[", "").replace("]", ""),
              Integer.parseInt(t[3].substring(colon + 1))));
      return "New server registered.\n";
    }
    if (s == null) {
      return "No such server.\n";
    }
    if (c.startsWith("enable server ")) {
      s.admin &= ~RunningServer.FORCED_MAINT;
      return "\n";
    }
    if (c.startsWith("enable health ")) {
      s.health = true;
      return "\n";
    }
    if (c.startsWith("set server ") && t[3].equals("state")) {
      s.admin =
          switch (t[4]) {
            case "drain" -> RunningServer.FORCED_DRAIN;
            case "maint" -> RunningServer.FORCED_MAINT;
            default -> 0;
          };
      return "\n";
    }
    if (c.startsWith("set server ") && t[3].equals("addr")) {
      String old = s.addr;
      s.addr = t[4];
      s.port = Integer.parseInt(t[6]);
      return "IP changed from '" + old + "' to '" + s.addr + "' by 'stats socket command'\n";
    }
    if (c.startsWith("shutdown sessions server ")) {
      s.sessions = 0;
      return "\n";
    }
    if (c.startsWith("del server ")) {
      if ((s.admin & RunningServer.FORCED_MAINT) == 0) {
        return "Only servers in maintenance mode can be deleted.\n";
      }
      if (s.sessions > 0 || s.idleHolds > 0) {
        s.idleHolds = Math.max(0, s.idleHolds - 1);
        return "Server still has connections attached to it, cannot remove it.\n";
      }
      servers.remove(name);
      return "Server deleted.\n";
    }
    return "Unknown command: '" + c + "'\n";
  }
}
