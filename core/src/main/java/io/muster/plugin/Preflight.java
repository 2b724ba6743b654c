package io.muster.plugin;

import io.muster.config.ConfigException;
import io.muster.config.Key;
import io.muster.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code join} and {@code agent} check on this machine before their first effect (a claim in
 * the store, a form script): directories they will write, commands they will run, settings a
 * command needs that other commands do not. Each plugin contributes the checks of its own needs
 * ({@link Plugin#preflight}); core adds its own (state.dir, node identity). Every problem is
 * collected and reported at once as a configuration error (exit 2) naming the key, the value and
 * the fix, so a node that would fail halfway never starts: it is no use to claim a generation, or
 * publish credentials, and then find that the state cannot be saved.
 *
 * <p>The checks look, they do not change: a directory that does not exist yet is judged by the
 * nearest existing one above it, which must let muster create it. The one trace is a probe file (a
 * dot-name, which no reader takes for a record) created and removed at once, because only a write
 * tells whether a directory is writable: root passes every permission test, even on /proc.
 */
public final class Preflight {
  private final Settings settings;
  private final String searchPath;
  private final Set<String> problems = new LinkedHashSet<>();

  /**
   * @param searchPath the PATH commands are looked up in (as {@link ProcessBuilder} will), or null
   */
  public Preflight(Settings settings, String searchPath) {
    this.settings = settings;
    this.searchPath = searchPath;
  }

  /** With the PATH of this process, which is the one adapter commands run with. */
  public static Preflight forThisProcess(Settings settings) {
    return new Preflight(settings, System.getenv("PATH"));
  }

  public Settings settings() {
    return settings;
  }

  /**
   * {@code dir} (the value of {@code key}, or a directory derived from it) is a directory muster
   * can create files in, or can be created.
   */
  public void writableDirectory(Key key, Path dir, String purpose) {
    Path abs = dir.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    String fix =
        "Set "
            + key.name()
            + " to a directory muster may write ("
            + purpose
            + "), or make "
            + abs
            + " one";
    if (existing == null) {
      fail(key, abs + " has no existing parent directory", fix);
      return;
    }
    if (!Files.isDirectory(existing)) {
      fail(
          key,
          existing.equals(abs)
              ? abs + " is not a directory"
              : abs + " cannot be created: " + existing + " is not a directory",
          fix);
      return;
    }
    String cannot = probe(existing);
    if (cannot != null) {
      fail(
          key,
          existing.equals(abs)
              ? "cannot create files in " + abs + " (" + cannot + ")"
              : abs + " cannot be created: cannot write in " + existing + " (" + cannot + ")",
          fix);
    }
  }

  /**
   * The program of the command list {@code key} (its first item), when set, exists and is
   * executable: a path is checked as it is, a bare name is looked up in PATH.
   */
  public void executable(Key key) {
    if (!settings.isSet(key) && key.defaultValue() == null) {
      return;
    }
    List<String> argv = settings.list(key);
    if (argv.isEmpty()) {
      return;
    }
    String program = argv.get(0);
    String problem = executableProblem(program);
    if (problem != null) {
      fail(
          key,
          problem,
          "Install it, or set " + key.name() + " to the full path of an executable program");
    }
  }

  /** {@code key} must have a value for what this command does, although other commands do not. */
  public void required(Key key, String why) {
    if (settings.optionalString(key).isEmpty()) {
      problems.add(ConfigException.missing(key, why).getMessage());
    }
  }

  /** A problem with {@code key}'s current value. */
  public void fail(Key key, String problem, String fix) {
    problems.add(
        ConfigException.invalid(
                key, settings.optionalString(key).orElse(""), settings.source(key), problem, fix)
            .getMessage());
  }

  /** A problem found by other means (a plugin's own check), already naming key, value and fix. */
  public void fail(ConfigException e) {
    problems.add(e.getMessage());
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** Throws every problem found as one {@link ConfigException}; does nothing when there is none. */
  public void throwIfAny() {
    List<String> all = new ArrayList<>(problems);
    if (all.size() == 1) {
      throw new ConfigException(all.get(0) + " (nothing was changed)");
    }
    if (!all.isEmpty()) {
      throw new ConfigException(
          all.size() + " problems (nothing was changed):\n  " + String.join("\n  ", all));
    }
  }

  private String executableProblem(String program) {
    if (program.isBlank()) {
      return "the command is empty";
    }
    if (program.indexOf('/') >= 0) {
      Path p;
      try {
        p = Path.of(program);
      } catch (InvalidPathException e) {
        return "'" + program + "' is not a path";
      }
      if (!Files.exists(p)) {
        return program + " does not exist";
      }
      if (Files.isDirectory(p) || !Files.isExecutable(p)) {
        return program + " is not an executable file";
      }
      return null;
    }
    if (searchPath != null) {
      for (String dir : searchPath.split(":")) {
        if (dir.isEmpty()) {
          continue;
        }
        try {
          Path p = Path.of(dir, program);
          if (Files.isRegularFile(p) && Files.isExecutable(p)) {
            return null;
          }
        } catch (InvalidPathException e) {
          // An odd PATH entry: skip it, as execvp does.
        }
      }
    }
    return program + " is not found in PATH (" + (searchPath == null ? "unset" : searchPath) + ")";
  }

  /** Null when a file can be created (and is removed) in {@code dir}, else why not. */
  private static String probe(Path dir) {
    try {
      Path f = Files.createTempFile(dir, ".muster-preflight-", ".tmp");
      Files.delete(f);
      return null;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
  }
}
