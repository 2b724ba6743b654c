package io.muster.adapter.haproxy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the replies of the Runtime API and the master CLI (HAProxy 2.6 formats). */
final class RuntimeReplies {
  private static final Pattern FAILED = Pattern.compile("\\[failed: (\\d+)]");

  private RuntimeReplies() {}

  /**
   * {@code show servers state <backend>}: a version line, a '# ' header naming the columns, one
   * line per server. Columns are found by name so that later versions adding columns still parse.
   *
   * @throws IllegalArgumentException when the reply is not that table (it is then an error text
   *     such as "Can't find backend.", quoted in the message)
   */
  static List<RunningServer> serversState(String reply) {
    List<String> header = null;
    List<RunningServer> out = new ArrayList<>();
    for (String line : reply.split("\n")) {
      String t = line.trim();
      if (t.isEmpty() || (header == null && t.matches("\\d+"))) {
        continue;
      }
      if (t.startsWith("#")) {
        header = Arrays.asList(t.substring(1).trim().split("\\s+"));
        continue;
      }
      if (header == null) {
        throw new IllegalArgumentException(t);
      }
      String[] f = t.split("\\s+");
      out.add(
          new RunningServer(
              field(f, header, "srv_name"),
              field(f, header, "srv_addr"),
              number(field(f, header, "srv_port")),
              number(field(f, header, "srv_admin_state")),
              number(field(f, header, "srv_op_state"))));
    }
    if (header == null) {
      throw new IllegalArgumentException(reply.trim());
    }
    return List.copyOf(out);
  }

  /**
   * {@code show stat <backend> 4 -1} (CSV, servers only): current plus queued sessions per server
   * of {@code backend}.
   */
  static Map<String, Integer> sessions(String reply, String backend) {
    List<String> header = null;
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String line : reply.split("\n")) {
      String t = line.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (t.startsWith("#")) {
        header = Arrays.asList(t.substring(1).trim().split(",", -1));
        continue;
      }
      if (header == null) {
        throw new IllegalArgumentException(t);
      }
      String[] f = t.split(",", -1);
      String sv = field(f, header, "svname");
      if (!backend.equals(field(f, header, "pxname"))
          || sv.equals("FRONTEND")
          || sv.equals("BACKEND")) {
        continue;
      }
      out.put(sv, number(field(f, header, "scur")) + number(field(f, header, "qcur")));
    }
    if (header == null) {
      throw new IllegalArgumentException(reply.trim());
    }
    return out;
  }

  /**
   * What the master says about reloads and workers ({@code show proc}).
   *
   * @param reloads how many reloads the master has done
   * @param failed reload failures since the last successful one
   * @param workers pids of the current workers (old ones still finishing are not listed)
   */
  record MasterStatus(int reloads, int failed, List<Integer> workers) {
    MasterStatus {
      workers = List.copyOf(workers);
    }
  }

  /**
   * {@code show proc} on the master CLI, e.g.
   *
   * <pre>
   * #&lt;PID&gt;  &lt;type&gt;  &lt;reloads&gt;  &lt;uptime&gt;  &lt;version&gt;
   * 7289  master  2 [failed: 1]  0d00h00m10s  2.6.12
   * # workers
   * 7518  worker  1  0d00h00m03s  2.6.12
   * # old workers
   * # programs
   * </pre>
   */
  static MasterStatus proc(String reply) {
    Integer reloads = null;
    int failed = 0;
    List<Integer> workers = new ArrayList<>();
    String section = "";
    for (String line : reply.split("\n")) {
      String t = line.trim();
      if (t.isEmpty() || t.startsWith("#<")) {
        continue;
      }
      if (t.startsWith("#")) {
        section = t.substring(1).trim();
        continue;
      }
      String[] f = t.split("\\s+");
      if (f.length >= 3 && f[1].equals("master")) {
        reloads = number(f[2]);
        Matcher m = FAILED.matcher(t);
        failed = m.find() ? Integer.parseInt(m.group(1)) : 0;
      } else if (section.equals("workers") && f.length >= 2 && f[1].equals("worker")) {
        workers.add(number(f[0]));
      }
    }
    if (reloads == null) {
      throw new IllegalArgumentException(reply.trim());
    }
    return new MasterStatus(reloads, failed, workers);
  }

  private static String field(String[] fields, List<String> header, String column) {
    int i = header.indexOf(column);
    if (i < 0 || i >= fields.length) {
      throw new IllegalArgumentException(
          "no column " + column + " in: " + String.join(" ", fields));
    }
    return fields[i];
  }

  private static int number(String text) {
    if (text.isEmpty() || text.equals("-")) {
      return 0;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: " + text, e);
    }
  }
}
