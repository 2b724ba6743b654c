package io.muster.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.ConfigException;
import io.muster.config.Key;
import io.muster.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {
  static final Key DIR = Key.of("some.dir", Key.Kind.STRING, null, "a directory");
  static final Key CMD = Key.of("some.command", Key.Kind.LIST, null, "a command");

  @TempDir Path tmp;

  Preflight check(Settings s) {
    return new Preflight(s, tmp.resolve("bin") + ":/usr/bin:/bin");
  }

  @Test
  void anExistingWritableDirectoryPassesAndKeepsNoTrace() throws Exception {
    Preflight p = check(Settings.empty().with(DIR, tmp.toString()));
    p.writableDirectory(DIR, tmp, "test");
    assertThat(p.problems()).isEmpty();
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aDirectoryThatCanBeCreatedPassesAndIsNotCreated() {
    Path missing = tmp.resolve("a/b/c");
    Preflight p = check(Settings.empty().with(DIR, missing.toString()));
    p.writableDirectory(DIR, missing, "test");
    assertThat(p.problems()).isEmpty();
    assertThat(tmp.resolve("a")).doesNotExist();
  }

  @Test
  void aFileOrAPathUnderAFileIsNotADirectory() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "x");
    Preflight p = check(Settings.empty().with(DIR, file.toString()));
    p.writableDirectory(DIR, file, "test");
    p.writableDirectory(DIR, file.resolve("sub"), "test");
    assertThat(p.problems())
        .containsExactly(
            "some.dir='"
                + file
                + "' (from override): "
                + file
                + " is not a directory. Set some.dir to a directory muster may write (test), or"
                + " make "
                + file
                + " one",
            "some.dir='"
                + file
                + "' (from override): "
                + file.resolve("sub")
                + " cannot be created: "
                + file
                + " is not a directory. Set some.dir to a directory muster may write (test), or"
                + " make "
                + file.resolve("sub")
                + " one");
  }

  @Test
  void aDirectoryNoFileCanBeCreatedInFails() {
    Preflight p = check(Settings.empty().with(DIR, "/proc"));
    p.writableDirectory(DIR, Path.of("/proc"), "test");
    assertThat(p.problems()).singleElement().asString().contains("cannot create files in /proc");
  }

  @Test
  void commandsAreFoundByPathOrInPath() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path tool = Files.writeString(bin.resolve("tool"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path plain = Files.writeString(bin.resolve("plain"), "#!/bin/sh\n");

    assertThat(problemsOf("tool,--flag")).isEmpty();
    assertThat(problemsOf(tool + ",x")).isEmpty();
    assertThat(problemsOf("sh")).isEmpty();
    assertThat(problemsOf("plain"))
        .singleElement()
        .asString()
        .contains("plain is not found in PATH");
    assertThat(problemsOf(plain.toString()))
        .singleElement()
        .asString()
        .contains(plain + " is not an executable file")
        .contains("some.command='" + plain + "'");
    assertThat(problemsOf(bin.toString())).singleElement().asString().contains("not an executable");
    assertThat(problemsOf(tmp.resolve("nope").toString()))
        .singleElement()
        .asString()
        .contains("does not exist");
  }

  @Test
  void anUnsetCommandIsNotCheckedButARequiredOneIsReported() {
    Preflight p = check(Settings.empty());
    p.executable(CMD);
    assertThat(p.problems()).isEmpty();
    p.required(CMD, "the test needs it");
    assertThat(p.problems())
        .singleElement()
        .asString()
        .startsWith("some.command is required: the test needs it");
  }

  @Test
  void allProblemsAreThrownAtOnceSayingNothingChanged() {
    Preflight p = check(Settings.empty());
    p.throwIfAny();
    p.required(CMD, "one");
    p.required(DIR, "two");
    assertThatThrownBy(p::throwIfAny)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("2 problems (nothing was changed):")
        .hasMessageContaining("some.command is required")
        .hasMessageContaining("some.dir is required");
  }

  private java.util.List<String> problemsOf(String command) {
    Preflight p = check(Settings.empty().with(CMD, command));
    p.executable(CMD);
    return p.problems();
  }
}
