package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.credentials.Secret;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Optional;
import java.util.Set;

/**
 * The cookie file on a POSIX file system. Writes go to a temporary file in the same directory that
 * gets its owner and mode before an atomic rename, so ejabberd never sees a half-written cookie or
 * one with loose permissions (Erlang refuses those).
 */
final class PosixCookieFile implements CookieFile {
  private final Path path;
  private final String owner;
  private final Set<PosixFilePermission> mode;

  PosixCookieFile(Path path, String owner, Set<PosixFilePermission> mode) {
    this.path = path;
    this.owner = owner;
    this.mode = Set.copyOf(mode);
  }

  @Override
  public Optional<Secret> read() throws AdapterException {
    try {
      // The adapter writes no newline; strip one written by hand, as Erlang does.
      return Optional.of(Secret.of(Files.readString(path, StandardCharsets.US_ASCII).strip()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (AccessDeniedException e) {
      throw new AdapterException(
          "cannot read the Erlang cookie file "
              + path
              + ": permission denied. Run muster as root (it must write this file as "
              + owner
              + ")",
          false,
          e);
    } catch (IOException e) {
      throw new AdapterException(
          "cannot read the Erlang cookie file " + path + ": " + e.getMessage(), true, e);
    }
  }

  @Override
  public void write(Secret cookie) throws AdapterException {
    Path dir = path.getParent();
    if (!Files.isDirectory(dir)) {
      throw new AdapterException(
          "the directory of the Erlang cookie file "
              + path
              + " does not exist: install ejabberd, or set "
              + EjabberdAdapterProvider.COOKIE_FILE.name()
              + " to the ejabberd user's $HOME/.erlang.cookie",
          false);
    }
    UserPrincipal user;
    GroupPrincipal group;
    try {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      user = lookup.lookupPrincipalByName(owner);
      group = groupOrNull(lookup);
    } catch (UserPrincipalNotFoundException e) {
      throw new AdapterException(
          "no such user '"
              + owner
              + "' to own the Erlang cookie file: install ejabberd, or set "
              + EjabberdAdapterProvider.COOKIE_OWNER.name()
              + " to the user ejabberd runs as",
          false,
          e);
    } catch (IOException e) {
      throw new AdapterException("cannot look up user '" + owner + "': " + e.getMessage(), true, e);
    }
    Path tmp = null;
    try {
      tmp =
          Files.createTempFile(
              dir,
              "." + path.getFileName() + ".",
              ".tmp",
              PosixFilePermissions.asFileAttribute(
                  Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(cookie.reveal().getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
      view.setOwner(user);
      if (group != null) {
        view.setGroup(group);
      }
      view.setPermissions(mode);
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (FileSystemException e) {
      throw new AdapterException(
          "cannot write the Erlang cookie file "
              + path
              + " owned by "
              + owner
              + ": "
              + e.getMessage()
              + " (muster must run as root to write it and give it to "
              + owner
              + ")",
          false,
          e);
    } catch (IOException e) {
      throw new AdapterException(
          "cannot write the Erlang cookie file " + path + ": " + e.getMessage(), true, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: a stray temp file holds a cookie that was never used.
        }
      }
    }
  }

  /** The group of the same name as the owner (Debian: ejabberd:ejabberd), if there is one. */
  private GroupPrincipal groupOrNull(UserPrincipalLookupService lookup) throws IOException {
    try {
      return lookup.lookupPrincipalByGroupName(owner);
    } catch (UserPrincipalNotFoundException e) {
      return null;
    }
  }

  @Override
  public String describe() {
    return path + " (owner " + owner + ", mode " + PosixFilePermissions.toString(mode) + ")";
  }
}
