package io.muster.adapter.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.credentials.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real file operations: owner, mode, atomic replace (needs root and the ejabberd user). */
class PosixCookieFileIT {
  @TempDir Path dir;
  Path file;
  PosixCookieFile cookieFile;

  @BeforeEach
  void setUp() {
    EjabberdNode.requirePrerequisites();
    file = dir.resolve(".erlang.cookie");
    cookieFile =
        new PosixCookieFile(file, "ejabberd", PosixFilePermissions.fromString("r--------"));
  }

  @Test
  void writesWithOwnerAndModeAndReplacesAtomically() throws Exception {
    assertThat(cookieFile.read()).isEmpty();

    cookieFile.write(Secret.of("FirstCookie1"));
    cookieFile.write(Secret.of("SecondCookie2"));

    assertThat(Files.readString(file)).isEqualTo("SecondCookie2");
    assertThat(cookieFile.read()).contains(Secret.of("SecondCookie2"));
    assertThat(Files.getOwner(file).getName()).isEqualTo("ejabberd");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("r--------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void readsAHandWrittenCookieWithATrailingNewline() throws Exception {
    Files.writeString(file, "HandMade\n");

    assertThat(cookieFile.read()).contains(Secret.of("HandMade"));
  }

  @Test
  void aMissingDirectoryOrUserSaysWhatToDo() {
    PosixCookieFile noDir =
        new PosixCookieFile(dir.resolve("nope/.erlang.cookie"), "ejabberd", Set.of());
    assertThatThrownBy(() -> noDir.write(Secret.of("x")))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining(
            "does not exist: install ejabberd, or set adapter.ejabberd.cookie-file");

    PosixCookieFile noUser =
        new PosixCookieFile(
            file, "no-such-user-muster", PosixFilePermissions.fromString("r--------"));
    assertThatThrownBy(() -> noUser.write(Secret.of("x")))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("no such user 'no-such-user-muster'")
        .hasMessageContaining("adapter.ejabberd.cookie-owner");
    assertThat(file).doesNotExist();
  }
}
