package io.muster.credentials.file;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.RecordCodec;
import io.muster.credentials.SecretFiles;
import io.muster.credentials.StoreException;
import io.muster.credentials.StoreLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The store in a directory {@code <dir>/<cluster>}: {@code formation/<generation>}, {@code
 * credentials/<generation>} (mode 0400 in a 0700 directory), {@code members/<instance-id>}. Safe
 * for several processes on one machine sharing the directory:
 *
 * <ul>
 *   <li>a claim writes the whole record to a temporary file, then hard-links it to the final name;
 *       link(2) fails if the name exists, so of all racing claimers exactly one wins, and the final
 *       name only ever points at complete content;
 *   <li>every other write is temp file + rename(2), so readers see the old or the new content;
 *   <li>temporary names start with a dot and are never read as records.
 * </ul>
 */
public final class FileCredentialStore implements CredentialStore {
  private static final Set<PosixFilePermission> PUBLIC_FILE =
      PosixFilePermissions.fromString("rw-r--r--");

  private final Path root;

  /**
   * @param root the cluster's own directory, {@code <store.file.dir>/<cluster>}
   */
  public FileCredentialStore(Path root) {
    this.root = root;
  }

  @Override
  public Optional<FormationRecord> currentFormation() throws StoreException {
    Path dir = root.resolve(StoreLayout.FORMATION);
    long highest = 0;
    for (String leaf : list(dir)) {
      OptionalLong g = StoreLayout.generation(leaf);
      if (g.isPresent() && g.getAsLong() > highest) {
        highest = g.getAsLong();
      }
    }
    if (highest == 0) {
      return Optional.empty();
    }
    Path file = dir.resolve(Long.toString(highest));
    Optional<String> json = read(file);
    if (json.isEmpty()) {
      // Formation records are never deleted by muster; someone removed it by hand.
      throw new StoreException(
          file + " disappeared while reading: retry, and do not edit the store");
    }
    FormationRecord r = RecordCodec.currentFormation(json.get(), file.toString(), highest);
    return Optional.of(r);
  }

  @Override
  public boolean claimFormation(FormationRecord record) throws StoreException {
    return createExclusively(
        StoreLayout.FORMATION,
        StoreLayout.formation(record.generation()),
        RecordCodec.formation(record));
  }

  @Override
  public void putCredentials(long generation, Credentials credentials) throws StoreException {
    Path dir = directory(StoreLayout.CREDENTIALS, SecretFiles.PRIVATE_DIR);
    Path target = dir.resolve(Long.toString(generation));
    try {
      SecretFiles.replaceAtomically(
          target, RecordCodec.credentialsBytes(credentials), SecretFiles.OWNER_READ);
    } catch (IOException e) {
      throw writeFailed(target, e);
    }
  }

  @Override
  public Optional<Credentials> credentials(long generation) throws StoreException {
    Path file = root.resolve(StoreLayout.credentials(generation));
    Optional<String> json = read(file);
    if (json.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(RecordCodec.credentials(json.get(), file.toString()));
  }

  @Override
  public void registerMember(MemberRecord member) throws StoreException {
    replace(
        StoreLayout.MEMBERS, StoreLayout.member(member.instanceId()), RecordCodec.member(member));
  }

  @Override
  public void deregisterMember(String instanceId) throws StoreException {
    delete(StoreLayout.member(instanceId));
  }

  @Override
  public List<MemberRecord> members() throws StoreException {
    Path dir = root.resolve(StoreLayout.MEMBERS);
    List<MemberRecord> out = new ArrayList<>();
    for (String leaf : list(dir)) {
      if (!StoreLayout.isSegment(leaf)) {
        continue; // temporary files and foreign entries
      }
      Path file = dir.resolve(leaf);
      Optional<String> json = read(file); // empty when deregistered since the listing
      if (json.isPresent()) {
        RecordCodec.listedMember(json.get(), file.toString()).ifPresent(out::add);
      }
    }
    out.sort(Comparator.comparing(MemberRecord::instanceId));
    return List.copyOf(out);
  }

  @Override
  public Optional<MemberRecord> member(String instanceId) throws StoreException {
    Path file = root.resolve(StoreLayout.member(instanceId));
    Optional<String> json = read(file);
    return json.isEmpty()
        ? Optional.empty()
        : Optional.of(RecordCodec.member(json.get(), file.toString()));
  }

  @Override
  public boolean createLifecycleRecord(String name, String json) throws StoreException {
    return createExclusively(StoreLayout.LIFECYCLE, StoreLayout.lifecycle(name), json);
  }

  @Override
  public void putLifecycleRecord(String name, String json) throws StoreException {
    replace(StoreLayout.LIFECYCLE, StoreLayout.lifecycle(name), json);
  }

  @Override
  public Optional<String> lifecycleRecord(String name) throws StoreException {
    return read(root.resolve(StoreLayout.lifecycle(name)));
  }

  @Override
  public List<String> lifecycleRecordNames() throws StoreException {
    return list(root.resolve(StoreLayout.LIFECYCLE)).stream()
        .filter(StoreLayout::isSegment)
        .toList();
  }

  @Override
  public void deleteLifecycleRecord(String name) throws StoreException {
    delete(StoreLayout.lifecycle(name));
  }

  @Override
  public boolean holdsLifecycleRecords() {
    return true;
  }

  @Override
  public String describe() {
    return "file:" + root + "/";
  }

  @Override
  public String toString() {
    return describe();
  }

  /**
   * Creates {@code entry} (in {@code folder}) with {@code json} only if it does not exist: the
   * whole record goes to a temporary file first, then link(2), which is atomic and never replaces,
   * gives it its name, so of all racing creators exactly one gets true (the formation claim, a
   * lifecycle action's claim).
   */
  private boolean createExclusively(String folder, String entry, String json)
      throws StoreException {
    Path dir = directory(folder, null);
    Path target = root.resolve(entry);
    Path temp = SecretFiles.tempSibling(target);
    try {
      SecretFiles.writeNew(temp, json.getBytes(StandardCharsets.UTF_8), PUBLIC_FILE);
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException lost) {
        return false;
      } catch (UnsupportedOperationException e) {
        throw noHardLinks(dir, e);
      } catch (FileSystemException e) {
        if (Files.exists(target)) {
          return false;
        }
        throw noHardLinks(dir, e);
      }
      SecretFiles.syncDirectory(dir);
      return true;
    } catch (IOException e) {
      throw writeFailed(target, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /** Writes {@code entry} (in {@code folder}), replacing it atomically if it exists. */
  private void replace(String folder, String entry, String json) throws StoreException {
    directory(folder, null);
    Path target = root.resolve(entry);
    try {
      SecretFiles.replaceAtomically(target, json.getBytes(StandardCharsets.UTF_8), PUBLIC_FILE);
    } catch (IOException e) {
      throw writeFailed(target, e);
    }
  }

  /** Deletes {@code entry}; one already gone is fine (the goal is reached). */
  private void delete(String entry) throws StoreException {
    Path target = root.resolve(entry);
    try {
      Files.deleteIfExists(target);
    } catch (IOException e) {
      throw writeFailed(target, e);
    }
  }

  /** Names in {@code dir}, dot files (temporaries) excluded; empty if the directory is missing. */
  private List<String> list(Path dir) throws StoreException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".")) {
          names.add(n);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new StoreException(
          "could not list " + dir + ": " + e + " (check store.file.dir and its permissions)", e);
    }
    return names;
  }

  private static Optional<String> read(Path file) throws StoreException {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreException(
          "could not read "
              + file
              + ": "
              + e.getClass().getSimpleName()
              + " (run muster as the user that owns the store directory, "
              + System.getProperty("user.name")
              + " now)",
          e);
    }
  }

  private Path directory(String name, Set<PosixFilePermission> mode) throws StoreException {
    Path dir = root.resolve(name);
    try {
      // Fixed modes whatever the umask: records 0755, secrets 0700.
      SecretFiles.createDirectories(root, SecretFiles.PUBLIC_DIR);
      SecretFiles.createDirectories(dir, mode == null ? SecretFiles.PUBLIC_DIR : mode);
    } catch (IOException e) {
      throw new StoreException(
          "could not create "
              + dir
              + ": "
              + e
              + " (store.file.dir must be writable by "
              + System.getProperty("user.name")
              + ")",
          e);
    }
    return dir;
  }

  private static StoreException writeFailed(Path target, IOException e) {
    return new StoreException(
        "could not write "
            + target
            + ": "
            + e
            + " (store.file.dir must be writable by "
            + System.getProperty("user.name")
            + ", on a local file system with free space)",
        e);
  }

  private static StoreException noHardLinks(Path dir, Exception e) {
    return new StoreException(
        "the file system of "
            + dir
            + " cannot create hard links ("
            + e
            + "), which the exclusive formation claim needs: point store.file.dir at a local"
            + " file system (ext4, xfs, tmpfs)",
        e);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // A leftover temporary (dot) file is never read as a record.
    }
  }
}
