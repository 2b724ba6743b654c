package io.muster.adapter.exec;

import io.muster.adapter.LocalMembership;
import java.util.ArrayList;
import java.util.List;

/**
 * What an inspect script's standard output means. First non-blank line: {@code member [cluster-id]}
 * (running and clustered), {@code stopped} (service down), anything else (running, standalone).
 * Further non-blank lines after {@code member} are member names as the system reports them.
 */
final class InspectOutput {
  private InspectOutput() {}

  static LocalMembership parse(String stdout) {
    List<String> lines =
        stdout == null
            ? List.of()
            : stdout.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.isEmpty()) {
      return new LocalMembership(true, false, null, List.of());
    }
    String[] first = lines.get(0).split("\\s+");
    switch (first[0]) {
      case "member" -> {
        String id = first.length > 1 ? first[1] : null;
        return new LocalMembership(true, true, id, new ArrayList<>(lines.subList(1, lines.size())));
      }
      case "stopped" -> {
        return new LocalMembership(false, false, null, List.of());
      }
      default -> {
        return new LocalMembership(true, false, null, List.of());
      }
    }
  }
}
