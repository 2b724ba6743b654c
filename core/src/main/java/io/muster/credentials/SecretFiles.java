package io.muster.credentials;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Writing files that hold secrets (or must never be seen half-written). The mode is given when the
 * file is created, before any byte is written, so there is no moment where the content is readable
 * by others; open(2) with O_CREAT hands back a writable descriptor even for mode 0400.
 */
public final class SecretFiles {
  public static final Set<PosixFilePermission> OWNER_READ =
      PosixFilePermissions.fromString("r--------");
  public static final Set<PosixFilePermission> OWNER_READ_WRITE =
      PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> PRIVATE_DIR =
      PosixFilePermissions.fromString("rwx------");

  /** Prefix of temporary names; readers skip entries that start with a dot. */
  public static final String TEMP_PREFIX = ".tmp-";

  private SecretFiles() {}

  /** Creates {@code path} (which must not exist) with {@code mode}, writes and syncs it. */
  public static void writeNew(Path path, byte[] content, Set<PosixFilePermission> mode)
      throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            path,
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(mode))) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    // umask can only remove bits; set the mode again so it is exactly what was asked for.
    Files.setPosixFilePermissions(path, mode);
  }

  /** Mode of directories whose content anyone on the machine may read (public records). */
  public static final Set<PosixFilePermission> PUBLIC_DIR =
      PosixFilePermissions.fromString("rwxr-xr-x");

  /**
   * Creates {@code dir} and every missing parent with exactly {@code mode}, whatever the umask
   * (umask 000 would otherwise make them 0777); directories that exist are left as they are.
   */
  public static void createDirectories(Path dir, Set<PosixFilePermission> mode) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return;
    }
    Path parent = abs.getParent();
    if (parent != null) {
      createDirectories(parent, mode);
    }
    try {
      Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(mode));
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      if (Files.isDirectory(abs)) {
        return; // another process made it
      }
      throw raced;
    }
    Files.setPosixFilePermissions(abs, mode);
  }

  /** A fresh temporary name next to {@code target}, in the same directory (same file system). */
  public static Path tempSibling(Path target) {
    return target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
  }

  /**
   * Replaces {@code target} atomically: readers see the old content or the new, never a mix. The
   * temporary file is removed if anything fails.
   */
  public static void replaceAtomically(Path target, byte[] content, Set<PosixFilePermission> mode)
      throws IOException {
    Path temp = tempSibling(target);
    try {
      writeNew(temp, content, mode);
      // rename(2): atomic, and replaces an existing target.
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(target.getParent());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Makes a rename or link durable; best effort (not every file system allows it). */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException ignored) {
      // Durability of the directory entry is a bonus; the write itself already succeeded.
    }
  }
}
