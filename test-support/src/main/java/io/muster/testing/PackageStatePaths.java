package io.muster.testing;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where a test JVM may not write: the installed package's state directory, {@code /var/lib/muster}
 * ({@code state.dir}'s default). Tests run as root in CI, so a test that leaves {@code state.dir}
 * unset would create it (or its {@code handoff} subdirectory) for real, and the package test, which
 * checks that installing and purging the package leaves the machine as it found it, then fails far
 * from the cause. Every test sets its own {@code state.dir} under a temporary directory; {@link
 * NetworkGuard} refuses the rest. (The package test writes there only through dpkg, another
 * process.)
 */
final class PackageStatePaths {
  /** The package's state directory, state.dir's default (CoreKeys.STATE_DIR). */
  static final Path STATE_DIR = Path.of("/var/lib/muster");

  private PackageStatePaths() {}

  /** Why writing {@code file} is refused, or null when it is allowed. */
  static String refusal(String file) {
    Path p;
    try {
      p = Path.of(file).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      return null; // the write itself fails on such a name
    }
    if (!p.startsWith(STATE_DIR)) {
      return null;
    }
    return "a test wrote under "
        + STATE_DIR
        + ", the installed package's state directory (state.dir's default): give the code under"
        + " test a state.dir under the test's temporary directory";
  }
}
