package io.muster.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the processes a killed muster left running. A muster killed with -9 cannot end the script
 * it ran, and the script's children are no longer anyone's descendants; but each of them inherited
 * the environment muster gave the script, which names that run's private hand-off directory. So the
 * next start finds them by that variable (Linux: {@code /proc/<pid>/environ}) and ends them before
 * it removes the directory. Processes of other users cannot be read and are not touched.
 */
public final class OrphanedProcesses {
  private static final Path PROC = Path.of("/proc");

  private OrphanedProcesses() {}

  /**
   * Ends every process (other than this one) whose environment has {@code name} set to a value
   * starting with {@code valuePrefix}.
   *
   * @return the pids ended
   */
  public static List<Long> endWithEnvironment(String name, String valuePrefix) {
    byte[] needle = (name + "=" + valuePrefix).getBytes(StandardCharsets.UTF_8);
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .forEach(
            p -> {
              if (environmentHas(p.pid(), needle)) {
                found.add(p);
              }
            });
    List<Long> ended = new ArrayList<>();
    for (ProcessHandle p : found) {
      if (p.destroyForcibly()) {
        ended.add(p.pid());
      }
    }
    return ended;
  }

  private static boolean environmentHas(long pid, byte[] needle) {
    byte[] env;
    try {
      env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
    } catch (IOException | SecurityException e) {
      return false; // gone, or another user's
    }
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (i - start >= needle.length && startsWith(env, start, needle)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] a, int from, byte[] prefix) {
    for (int j = 0; j < prefix.length; j++) {
      if (a[from + j] != prefix[j]) {
        return false;
      }
    }
    return true;
  }
}
