package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.config.SettingsLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The settings loader ignores the launchers' own {@code MUSTER_} variables by a declared list
 * ({@link SettingsLoader#LAUNCHER_VARIABLES}); this keeps that list equal to what the two launchers
 * (the checkout's {@code ./muster} and the package's {@code /usr/bin/muster}) unset, so a variable
 * added to a launcher cannot start warning "no such setting", nor a setting be hidden by a stale
 * entry.
 */
class LauncherVariablesTest {
  static final Path CHECKOUT_LAUNCHER = Path.of("..", "muster");
  static final Path PACKAGE_LAUNCHER = Path.of("src", "deb", "root", "usr", "bin", "muster");

  @Test
  void theDeclaredListIsWhatTheLaunchersUnset() throws IOException {
    Set<String> unset = new TreeSet<>();
    unset.addAll(unsetBy(CHECKOUT_LAUNCHER));
    unset.addAll(unsetBy(PACKAGE_LAUNCHER));

    assertThat(unset).isNotEmpty();
    assertThat(new TreeSet<>(SettingsLoader.LAUNCHER_VARIABLES)).isEqualTo(unset);
  }

  private static Set<String> unsetBy(Path launcher) throws IOException {
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(launcher)) {
      String l = line.strip();
      if (l.startsWith("unset ")) {
        Arrays.stream(l.substring("unset ".length()).split("\\s+"))
            .filter(n -> n.startsWith("MUSTER_"))
            .forEach(names::add);
      }
    }
    return names;
  }
}
