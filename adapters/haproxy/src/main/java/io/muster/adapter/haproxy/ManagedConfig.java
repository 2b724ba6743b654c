package io.muster.adapter.haproxy;

import io.muster.adapter.AdapterException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The managed block of server lines inside {@code backend <name>} of an HAProxy configuration file:
 *
 * <pre>
 * backend app
 *     balance roundrobin
 *     # BEGIN muster servers: managed by muster (adapter.haproxy), edits are overwritten
 *     server i-0abc 10.0.0.5:8080 check inter 2s
 *     # END muster servers
 * </pre>
 *
 * HAProxy sections cannot span files and a backend cannot be declared twice, so the server lines
 * must live inside the operator's own backend section; everything outside the block is kept byte
 * for byte. When the section has no block yet, one is appended to it.
 */
final class ManagedConfig {
  static final String BEGIN = "# BEGIN muster servers";
  static final String END = "# END muster servers";
  private static final String BEGIN_LINE =
      BEGIN + ": managed by muster (adapter.haproxy), edits are overwritten";

  /** Keywords that open a section in HAProxy 2.6; a section runs until the next one. */
  private static final Set<String> SECTIONS =
      Set.of(
          "global",
          "defaults",
          "frontend",
          "backend",
          "listen",
          "peers",
          "resolvers",
          "userlist",
          "mailers",
          "program",
          "http-errors",
          "ring",
          "cache",
          "fcgi-app",
          "log-forward",
          "dynamic-update");

  /** A server line of the block: {@code server <name> <endpoint> <options...>}. */
  record ServerLine(String name, String endpoint, String options) {}

  private final List<String> lines;
  private final boolean trailingNewline;
  private final int begin;
  private final int end;
  private final String indent;
  private final List<ServerLine> servers;

  private ManagedConfig(
      List<String> lines,
      boolean trailingNewline,
      int begin,
      int end,
      String indent,
      List<ServerLine> servers) {
    this.lines = lines;
    this.trailingNewline = trailingNewline;
    this.begin = begin;
    this.end = end;
    this.indent = indent;
    this.servers = servers;
  }

  /**
   * @param file for messages only
   * @throws AdapterException when the backend section is missing or doubled, the block is broken,
   *     or the section holds server lines outside the block
   */
  static ManagedConfig parse(String text, String backend, Path file) throws AdapterException {
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    boolean trailingNewline = text.endsWith("\n");
    if (trailingNewline || text.isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      String[] t = tokens(lines.get(i));
      if (t.length > 1
          && (t[0].equals("backend") || t[0].equals("listen"))
          && t[1].equals(backend)) {
        if (start >= 0) {
          throw broken(
              file,
              i,
              "declares backend '" + backend + "' twice (first at line " + (start + 1) + ")");
        }
        start = i;
      }
    }
    if (start < 0) {
      throw new AdapterException(
          file
              + " has no 'backend "
              + backend
              + "' section. Declare the backend there (muster fills in its servers), or point"
              + " adapter.haproxy.config-file at the file that holds it",
          false);
    }
    int stop = start + 1;
    while (stop < lines.size() && !isSectionHeader(lines.get(stop))) {
      stop++;
    }
    int begin = -1;
    int end = -1;
    List<ServerLine> servers = new ArrayList<>();
    List<Integer> foreign = new ArrayList<>();
    for (int i = start + 1; i < stop; i++) {
      String t = lines.get(i).strip();
      if (t.startsWith(BEGIN)) {
        if (begin >= 0) {
          throw broken(file, i, "has a second '" + BEGIN + "' line in backend " + backend);
        }
        begin = i;
      } else if (t.startsWith(END)) {
        if (begin < 0 || end >= 0) {
          throw broken(file, i, "has an '" + END + "' line without its '" + BEGIN + "' line");
        }
        end = i;
      } else if (tokens(t).length > 0 && tokens(t)[0].equals("server")) {
        if (begin >= 0 && end < 0) {
          servers.add(serverLine(tokens(t), file, i));
        } else {
          foreign.add(i + 1);
        }
      }
    }
    if (begin >= 0 && end < 0) {
      throw broken(
          file,
          begin,
          "opens the managed block but has no '" + END + "' line in backend " + backend);
    }
    if (!foreign.isEmpty()) {
      throw new AdapterException(
          file
              + ": backend "
              + backend
              + " has server lines that muster does not manage (line(s) "
              + foreign
              + "). muster owns every server of this backend: delete those lines, or move fixed"
              + " servers to another backend",
          false);
    }
    String indent;
    if (begin >= 0) {
      String b = lines.get(begin);
      indent = b.substring(0, b.length() - b.stripLeading().length());
    } else {
      indent = bodyIndent(lines, start, stop);
      // Append the block after the section's last meaningful line, before trailing blanks.
      int at = stop;
      while (at > start + 1 && lines.get(at - 1).isBlank()) {
        at--;
      }
      lines.add(at, indent + BEGIN_LINE);
      lines.add(at + 1, indent + END);
      begin = at;
      end = at + 1;
    }
    return new ManagedConfig(
        lines, trailingNewline || text.isEmpty(), begin, end, indent, List.copyOf(servers));
  }

  /** The server lines now in the block. */
  List<ServerLine> servers() {
    return servers;
  }

  /** The whole file with the block holding exactly {@code desired}. */
  String render(List<DesiredServer> desired, String options) {
    List<String> out = new ArrayList<>(lines.subList(0, begin + 1));
    for (DesiredServer s : desired) {
      out.add(
          indent
              + "server "
              + s.name()
              + " "
              + s.endpoint()
              + (options.isEmpty() ? "" : " " + options));
    }
    out.addAll(lines.subList(end, lines.size()));
    return String.join("\n", out) + (trailingNewline ? "\n" : "");
  }

  /**
   * Whether a server that stays carries other options in the file than {@code options}: the Runtime
   * API cannot change a live server's options, only a reload can.
   */
  boolean optionsDiffer(List<DesiredServer> desired, String options) {
    List<String> names = desired.stream().map(DesiredServer::name).toList();
    return servers.stream()
        .anyMatch(
            s ->
                names.contains(s.name())
                    && !s.options().equals(HaproxySettings.normalise(options)));
  }

  private static ServerLine serverLine(String[] t, Path file, int i) throws AdapterException {
    if (t.length < 3) {
      throw broken(file, i, "has a server line without name and address in the managed block");
    }
    return new ServerLine(t[1], t[2], String.join(" ", Arrays.asList(t).subList(3, t.length)));
  }

  private static String bodyIndent(List<String> lines, int start, int stop) {
    for (int i = start + 1; i < stop; i++) {
      String l = lines.get(i);
      if (!l.isBlank()) {
        String ind = l.substring(0, l.length() - l.stripLeading().length());
        if (!ind.isEmpty()) {
          return ind;
        }
      }
    }
    return "    ";
  }

  private static boolean isSectionHeader(String line) {
    String[] t = tokens(line);
    return t.length > 0 && SECTIONS.contains(t[0]);
  }

  private static String[] tokens(String line) {
    String t = line.strip();
    if (t.isEmpty() || t.startsWith("#")) {
      return new String[0];
    }
    return t.split("\\s+");
  }

  private static AdapterException broken(Path file, int index, String what) {
    return new AdapterException(
        file
            + " line "
            + (index + 1)
            + " "
            + what
            + ". Repair the file by hand, then muster rewrites the block",
        false);
  }
}
