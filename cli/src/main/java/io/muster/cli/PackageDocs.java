package io.muster.cli;

import io.muster.config.KeyRegistry;
import io.muster.plugin.Plugins;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the man page, the bash completion and the Debian changelog the package installs, both
 * generated from the picocli commands. Run at package time: {@code PackageDocs ROOT BUILD_TIMESTAMP
 * VERSION}; files go under ROOT as they lie in the installed tree. Output depends only on the
 * arguments and the commands, so the package stays reproducible.
 */
public final class PackageDocs {
  private PackageDocs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: PackageDocs ROOT BUILD_TIMESTAMP VERSION");
    }
    Path root = Path.of(args[0]);
    LocalDate date =
        OffsetDateTime.parse(args[1]).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
    KeyRegistry registry = Plugins.keys();
    CommandLine cl = new CommandLine(new MusterCommand(registry, Map.of()));
    Main.addKeyOptions(cl, registry);

    String page = new ManPage(cl, registry, args[2], date).render();
    write(
        root.resolve("usr/share/man/man1/muster.1.gz"),
        gzip(page.getBytes(StandardCharsets.UTF_8)));
    write(
        root.resolve("usr/share/doc/muster/changelog.gz"),
        gzip(changelog(args[2], OffsetDateTime.parse(args[1])).getBytes(StandardCharsets.UTF_8)));
    // A completion file is sourced, not run: picocli's "#!/usr/bin/env bash" line goes.
    String completion = AutoComplete.bash("muster", cl).replaceFirst("\\A#![^\n]*\n", "");
    write(
        root.resolve("usr/share/bash-completion/completions/muster"),
        completion.getBytes(StandardCharsets.UTF_8));
  }

  /** The Debian changelog of a native package: one entry, for this build. */
  static String changelog(String version, OffsetDateTime built) {
    String debianVersion = version.replace("-SNAPSHOT", "~snapshot");
    return "muster ("
        + debianVersion
        + ") unstable; urgency=medium\n\n"
        + "  * muster "
        + version
        + "; the project's history (git log) lists the changes.\n\n"
        + " -- muster maintainers <muster@example.org>  "
        + java.time.format.DateTimeFormatter.ofPattern(
                "EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.ENGLISH)
            .format(built)
        + "\n";
  }

  private static void write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }

  /**
   * gzip at the highest level with no name and no time in the header ({@code gzip -9n}), as Debian
   * policy asks of man pages: the same input always gives the same bytes.
   */
  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // magic, deflate, no flags, mtime 0, XFL 2 (maximum compression), OS 3 (Unix)
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(data);
    deflater.finish();
    byte[] buf = new byte[8192];
    while (!deflater.finished()) {
      out.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    CRC32 crc = new CRC32();
    crc.update(data);
    writeIntLe(out, (int) crc.getValue());
    writeIntLe(out, data.length);
    return out.toByteArray();
  }

  private static void writeIntLe(ByteArrayOutputStream out, int v) {
    for (int i = 0; i < 4; i++) {
      out.write((v >>> (8 * i)) & 0xff);
    }
  }
}
