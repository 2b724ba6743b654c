package io.muster.adapter.haproxy;

import io.muster.adapter.AdapterException;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Replaces the managed configuration file only with a version HAProxy accepts. The new text is
 * written to a temporary file beside the target (same file system, so the final rename is atomic
 * and a reader sees the old or the new file, never half of one). When the check command names the
 * target file, the temporary file is checked in its place before anything is replaced; otherwise
 * (e.g. {@code -f /etc/haproxy/conf.d}) the new file is moved in, checked, and the old one moved
 * back if HAProxy rejects it.
 */
final class ConfigInstaller {
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

  private final ProcessRunner processes;
  private final List<String> checkCommand;
  private final Path file;

  ConfigInstaller(ProcessRunner processes, List<String> checkCommand, Path file) {
    this.processes = processes;
    this.checkCommand = List.copyOf(checkCommand);
    this.file = file;
  }

  String read() throws AdapterException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AdapterException(
          "cannot read " + file + " (adapter.haproxy.config-file): " + e, false, e);
    }
  }

  /**
   * @throws AdapterException quoting HAProxy's own messages when the check fails; the file on disk
   *     is then the old one
   */
  void install(String text) throws AdapterException {
    Path staged = file.resolveSibling("." + file.getFileName() + ".muster-new");
    try {
      write(staged, text);
      List<String> argv = new ArrayList<>();
      boolean namesFile = false;
      for (String a : checkCommand) {
        if (a.equals(file.toString())) {
          argv.add(staged.toString());
          namesFile = true;
        } else {
          argv.add(a);
        }
      }
      if (namesFile) {
        check(argv, staged);
        move(staged, file);
        return;
      }
      Path backup = file.resolveSibling("." + file.getFileName() + ".muster-old");
      Files.copy(
          file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      move(staged, file);
      try {
        check(checkCommand, staged);
      } catch (AdapterException e) {
        move(backup, file);
        throw e;
      }
      Files.deleteIfExists(backup);
    } catch (IOException e) {
      throw new AdapterException(
          "cannot write " + file + " (adapter.haproxy.config-file): " + e, true, e);
    } finally {
      try {
        Files.deleteIfExists(staged);
      } catch (IOException ignored) {
        // Only a leftover dot-file; the next install overwrites it.
      }
    }
  }

  private void check(List<String> argv, Path staged) throws AdapterException {
    Command command = Command.of(CHECK_TIMEOUT, argv);
    ProcessResult r;
    try {
      r = processes.run(command);
    } catch (CommandException e) {
      throw new AdapterException(
          "cannot validate the HAProxy configuration: "
              + e.getMessage()
              + " (adapter.haproxy.check-command)",
          true,
          e);
    }
    if (!r.ok()) {
      throw new AdapterException(
          "HAProxy rejects the new server list for "
              + file
              + ": `"
              + command.display()
              + "` exited "
              + r.exitCode()
              + ":\n"
              + quote(r, staged)
              + "\n"
              + file
              + " is unchanged and the running HAProxy keeps its servers. Fix what HAProxy names"
              + " (often adapter.haproxy.server-options) and muster applies the list on the next"
              + " change",
          false);
    }
  }

  /** HAProxy's alerts and warnings (its notices are noise), naming the real file. */
  private String quote(ProcessResult r, Path staged) {
    String all = (r.stderr() + "\n" + r.stdout()).replace(staged.toString(), file.toString());
    String wanted =
        all.lines()
            .filter(l -> !l.isBlank() && !l.contains("[NOTICE]"))
            .map(l -> "  " + l.strip())
            .collect(Collectors.joining("\n"));
    String text = wanted.isEmpty() ? "  (no output)" : wanted;
    return text.length() > 4000 ? text.substring(0, 4000) + "\n  ..." : text;
  }

  private void write(Path target, String text) throws IOException {
    Files.write(
        target,
        text.getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE,
        StandardOpenOption.SYNC);
    // Keep the owner and mode of the file it replaces (HAProxy may run as another user).
    PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
    if (view != null && Files.exists(file)) {
      PosixFileAttributes old = Files.readAttributes(file, PosixFileAttributes.class);
      view.setPermissions(old.permissions());
      PosixFileAttributes now = view.readAttributes();
      if (!now.owner().equals(old.owner())) {
        view.setOwner(old.owner());
      }
      if (!now.group().equals(old.group())) {
        view.setGroup(old.group());
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
