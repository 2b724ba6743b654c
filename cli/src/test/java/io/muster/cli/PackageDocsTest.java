package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.config.KeyRegistry;
import io.muster.plugin.Plugins;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PackageDocsTest {
  static ManPage page() {
    KeyRegistry registry = Plugins.keys();
    CommandLine cl = new CommandLine(new MusterCommand(registry, Map.of()));
    Main.addKeyOptions(cl, registry);
    return new ManPage(cl, registry, "1.2.3", LocalDate.of(2026, 11, 21));
  }

  @Test
  void theManPageHasEveryCommandAndEveryKeyFlagOnce() {
    String roff = page().render();
    for (String command :
        new String[] {
          "peers", "join", "leave", "status", "agent", "simulate", "config", "iam-policy"
        }) {
      assertThat(roff).contains(".SS \"muster " + ManPage.escape(command));
    }
    // Key flags are listed once, in their own section, not under every command.
    assertThat(roff.split("\\\\-\\\\-discovery\"", -1)).hasSize(2);
    assertThat(roff).contains(".TH MUSTER 1 \"2026-11-21\" \"muster 1.2.3\"");
  }

  @Test
  void roffEscapesWhatItWouldInterpret() {
    assertThat(ManPage.escape(".hidden")).isEqualTo("\\&.hidden");
    assertThat(ManPage.escape("a\\b --x")).isEqualTo("a\\eb \\-\\-x");
  }

  @Test
  void gzipIsStandardAndCarriesNoTimestamp() throws IOException {
    byte[] data = "hello, man page\n".repeat(50).getBytes(StandardCharsets.UTF_8);
    byte[] gz = PackageDocs.gzip(data);
    assertThat(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes()).isEqualTo(data);
    assertThat(gz[4] | gz[5] | gz[6] | gz[7]).isZero(); // mtime
    assertThat(gz).isEqualTo(PackageDocs.gzip(data));
  }

  @Test
  void writesThePageTheCompletionAndTheChangelog(@TempDir Path root) throws IOException {
    PackageDocs.main(new String[] {root.toString(), "2026-11-21T00:00:00Z", "0.1.0-SNAPSHOT"});
    assertThat(root.resolve("usr/share/man/man1/muster.1.gz")).isRegularFile();
    String completion =
        Files.readString(root.resolve("usr/share/bash-completion/completions/muster"));
    assertThat(completion).doesNotStartWith("#!").contains("complete -F");
    String changelog =
        new String(
            new GZIPInputStream(
                    Files.newInputStream(root.resolve("usr/share/doc/muster/changelog.gz")))
                .readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(changelog)
        .startsWith("muster (0.1.0~snapshot) unstable; urgency=medium")
        .contains(" -- muster maintainers <muster@example.org>  Sat, 21 Nov 2026 00:00:00 +0000");
  }

  @Test
  void theChangelogDateIsRfc2822() {
    assertThat(PackageDocs.changelog("1.0", OffsetDateTime.parse("2026-01-02T03:04:05Z")))
        .contains("Fri, 02 Jan 2026 03:04:05 +0000");
  }
}
