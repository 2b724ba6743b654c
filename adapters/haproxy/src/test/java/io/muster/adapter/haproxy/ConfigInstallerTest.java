package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner;
import io.muster.process.ProcessRunner.ProcessResult;
import io.muster.process.RecordingProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigInstallerTest {
  @TempDir Path dir;

  private List<String> names() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void checksTheNewVersionInPlaceOfTheFileThenMovesItIn() throws Exception {
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, "old\n");
    Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-r-----"));
    List<String> seenContent = new ArrayList<>();
    RecordingProcessRunner p =
        new RecordingProcessRunner()
            .otherwise(
                c -> {
                  seenContent.add(read(Path.of(c.argv().get(3))));
                  seenContent.add(read(cfg));
                  return new ProcessResult(0, "Configuration file is valid\n", "");
                });

    new ConfigInstaller(p, List.of("haproxy", "-c", "-f", cfg.toString()), cfg).install("new\n");

    assertThat(p.argvs())
        .containsExactly(
            List.of("haproxy", "-c", "-f", dir.resolve(".haproxy.cfg.muster-new").toString()));
    assertThat(seenContent).containsExactly("new\n", "old\n");
    assertThat(Files.readString(cfg)).isEqualTo("new\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg)))
        .isEqualTo("rw-r-----");
    assertThat(names()).containsExactly("haproxy.cfg");
  }

  @Test
  void aRejectedVersionLeavesTheFileAsItWas() throws Exception {
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, "old\n");
    RecordingProcessRunner p =
        new RecordingProcessRunner()
            .otherwise(
                c ->
                    new ProcessResult(
                        1,
                        "",
                        "[ALERT]    (9) : config : parsing ["
                            + c.argv().get(3)
                            + ":3] : unknown keyword 'bogus'\n"));

    assertThatThrownBy(
            () ->
                new ConfigInstaller(p, List.of("haproxy", "-c", "-f", cfg.toString()), cfg)
                    .install("new\n"))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("exited 1")
        .hasMessageContaining("parsing [" + cfg + ":3] : unknown keyword 'bogus'")
        .satisfies(e -> assertThat(((AdapterException) e).retryable()).isFalse());
    assertThat(Files.readString(cfg)).isEqualTo("old\n");
    assertThat(names()).containsExactly("haproxy.cfg");
  }

  @Test
  void aCommandThatReadsADirectoryChecksTheInstalledFileAndRestoresTheOld() throws Exception {
    Path cfg = dir.resolve("50-app.cfg");
    Files.writeString(cfg, "old\n");
    List<String> seen = new ArrayList<>();
    RecordingProcessRunner p =
        new RecordingProcessRunner()
            .otherwise(
                c -> {
                  seen.add(read(cfg));
                  return new ProcessResult(1, "", "[ALERT] bad\n");
                });

    assertThatThrownBy(
            () ->
                new ConfigInstaller(p, List.of("haproxy", "-c", "-f", dir.toString()), cfg)
                    .install("new\n"))
        .hasMessageContaining("[ALERT] bad");
    assertThat(p.argvs()).containsExactly(List.of("haproxy", "-c", "-f", dir.toString()));
    assertThat(seen).containsExactly("new\n");
    assertThat(Files.readString(cfg)).isEqualTo("old\n");
    assertThat(names()).containsExactly("50-app.cfg");
  }

  @Test
  void aCommandThatReadsADirectoryInstallsWhenValid() throws Exception {
    Path cfg = dir.resolve("50-app.cfg");
    Files.writeString(cfg, "old\n");
    new ConfigInstaller(
            new RecordingProcessRunner(), List.of("haproxy", "-c", "-f", dir.toString()), cfg)
        .install("new\n");
    assertThat(Files.readString(cfg)).isEqualTo("new\n");
    assertThat(names()).containsExactly("50-app.cfg");
  }

  @Test
  void aMissingHaproxyBinaryIsRetryableAndNamesTheKey() throws Exception {
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, "old\n");
    ProcessRunner missing =
        c -> {
          throw new CommandException(
              "could not run `haproxy -c`: No such file (is haproxy installed and on PATH?)");
        };
    assertThatThrownBy(
            () ->
                new ConfigInstaller(missing, List.of("haproxy", "-c", "-f", cfg.toString()), cfg)
                    .install("new\n"))
        .hasMessageContaining("is haproxy installed")
        .hasMessageContaining("adapter.haproxy.check-command");
    assertThat(Files.readString(cfg)).isEqualTo("old\n");
  }

  @Test
  void anUnreadableFileNamesTheKey() {
    assertThatThrownBy(
            () ->
                new ConfigInstaller(
                        new RecordingProcessRunner(), List.of("true"), dir.resolve("nope.cfg"))
                    .read())
        .hasMessageContaining("nope.cfg (adapter.haproxy.config-file)");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
