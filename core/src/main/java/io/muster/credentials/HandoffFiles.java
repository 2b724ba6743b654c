package io.muster.credentials;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Private directories for handing secrets to a command (a script reads the join credentials from a
 * file in one). They live under {@code <state.dir>/handoff} (mode 0700, whatever the umask), each
 * named after the muster process that made it, and are removed three ways: after use by their
 * owner; by {@link #removeLive()} when muster is stopped by a signal; and, for a process that was
 * killed (-9, power loss) and could do neither, by {@link #removeStale} at the next start, which
 * leaves the directories of muster processes still running alone.
 */
public final class HandoffFiles {
  /** The subdirectory of state.dir. */
  public static final String DIR = "handoff";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  private HandoffFiles() {}

  public static Path base(Path stateDir) {
    return stateDir.resolve(DIR);
  }

  /**
   * A new private directory {@code <base>/<prefix>-<pid>-<random>}, mode 0700; {@code base} is
   * created (0700) when missing.
   */
  public static Path newPrivateDir(Path base, String prefix) throws IOException {
    createPrivate(base.getParent());
    createPrivate(base);
    String name =
        prefix + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random());
    Path dir = base.resolve(name);
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(SecretFiles.PRIVATE_DIR));
    Files.setPosixFilePermissions(dir, SecretFiles.PRIVATE_DIR);
    LIVE.add(dir);
    return dir;
  }

  /** Removes {@code dir} and what it holds; quietly when it is gone already. */
  public static void remove(Path dir) throws IOException {
    try {
      deleteTree(dir);
    } finally {
      LIVE.remove(dir);
    }
  }

  /** Removes every directory this process made and has not removed yet (on SIGTERM). */
  public static void removeLive() {
    for (Path dir : List.copyOf(LIVE)) {
      try {
        remove(dir);
      } catch (IOException ignored) {
        // Best effort on the way out; the next start removes what is left.
      }
    }
  }

  /**
   * Removes what processes that no longer run left under {@code base}.
   *
   * @return the directories removed, for a log line
   */
  public static List<Path> removeStale(Path base) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(base)) {
      return removed;
    }
    try (Stream<Path> entries = Files.list(base)) {
      for (Path p : entries.toList()) {
        long pid = ownerPid(p.getFileName().toString());
        if (pid == ProcessHandle.current().pid()
            || (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
          continue;
        }
        deleteTree(p);
        removed.add(p);
      }
    }
    return removed;
  }

  /** The pid in {@code prefix-<pid>-<random>}, or -1 for a name of another shape. */
  static long ownerPid(String name) {
    String[] parts = name.split("-");
    if (parts.length < 3) {
      return -1;
    }
    try {
      return Long.parseLong(parts[parts.length - 2]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void createPrivate(Path dir) throws IOException {
    if (dir == null || Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(SecretFiles.PRIVATE_DIR));
    } catch (FileAlreadyExistsException raced) {
      return;
    }
    // umask can only remove bits; make the mode exactly 0700.
    Files.setPosixFilePermissions(dir, SecretFiles.PRIVATE_DIR);
  }

  private static byte[] random() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return b;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
