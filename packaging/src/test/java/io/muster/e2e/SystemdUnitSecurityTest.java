package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Scores the shipped units with the real {@code systemd-analyze security --offline=yes} (systemd
 * 250+; Debian 12 has 252), which judges a unit file without a running systemd: the plain units
 * (exec and haproxy adapters) at most 2.5, with the privileged drop-in (ejabberd, swarm) at most
 * 4.5.
 */
class SystemdUnitSecurityTest {
  static final Path UNITS = Path.of("..", "systemd");
  static final Path EXAMPLES =
      Path.of("src", "deb", "root", "usr", "share", "doc", "muster", "examples");
  static final Path PRIVILEGED = EXAMPLES.resolve("privileged.conf");
  static final Path HAPROXY = EXAMPLES.resolve("haproxy.conf");
  static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: ([0-9.]+)");

  @Test
  void theAgentUnitIsAtMostTwoAndAHalf() throws Exception {
    assertThat(exposure("muster.service", null)).isLessThanOrEqualTo(2.5);
  }

  @Test
  void theAgentUnitWithTheHaproxyDropInIsStillAtMostTwoAndAHalf() throws Exception {
    assertThat(exposure("muster.service", HAPROXY)).isLessThanOrEqualTo(2.5);
  }

  @Test
  void theJoinUnitIsAtMostTwoAndAHalf() throws Exception {
    assertThat(exposure("muster-join.service", null)).isLessThanOrEqualTo(2.5);
  }

  @Test
  void thePrivilegedVariantIsAtMostFourAndAHalfButLooserThanThePlainUnit() throws Exception {
    for (String unit : List.of("muster.service", "muster-join.service")) {
      double privileged = exposure(unit, PRIVILEGED);
      assertThat(privileged).as(unit).isLessThanOrEqualTo(4.5);
      // The drop-in must actually have been read: it relaxes the sandbox.
      assertThat(privileged).as(unit).isGreaterThan(exposure(unit, null));
    }
  }

  @Test
  void theJoinUnitIsAOneShotAfterTheNetworkIsOnline() throws IOException {
    String unit = Files.readString(UNITS.resolve("muster-join.service"));
    assertThat(unit)
        .containsPattern("(?m)^Type=oneshot$")
        .containsPattern("(?m)^After=network-online.target$")
        .containsPattern("(?m)^Wants=network-online.target$");
  }

  @Test
  void everySandboxOptionHasItsReasonInAComment() throws IOException {
    List<String> lines = Files.readAllLines(UNITS.resolve("muster.service"));
    int start =
        lines.indexOf(
            "# --- Who: a dedicated system user (created by the package), no privileges at all.");
    assertThat(start).isNotNegative();
    boolean commented = false;
    for (String line : lines.subList(start, lines.indexOf("[Install]"))) {
      if (line.startsWith("#")) {
        commented = true;
      } else if (line.isBlank()) {
        commented = false;
      } else {
        assertThat(commented).as("no comment explains %s", line).isTrue();
      }
    }
  }

  /** The unit's overall exposure, alone or with a drop-in, from a scratch root. */
  static double exposure(String unit, Path dropIn) throws Exception {
    Path root = Files.createTempDirectory("muster-units");
    try {
      Path dir = Files.createDirectories(root.resolve("etc/systemd/system"));
      Files.copy(UNITS.resolve(unit), dir.resolve(unit));
      if (dropIn != null) {
        Path d = Files.createDirectories(dir.resolve(unit + ".d"));
        Files.copy(dropIn, d.resolve(dropIn.getFileName()));
      }
      Process p =
          new ProcessBuilder("systemd-analyze", "security", "--offline=yes", "--root=" + root, unit)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      Matcher m = EXPOSURE.matcher(out);
      assertThat(m.find()).as("systemd-analyze said:\n%s", out).isTrue();
      return Double.parseDouble(m.group(1));
    } finally {
      try (Stream<Path> s = Files.walk(root)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
