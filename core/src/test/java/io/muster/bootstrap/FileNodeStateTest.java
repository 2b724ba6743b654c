package io.muster.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNodeStateTest {
  @TempDir Path tmp;

  @Test
  void theStateDirectoryIsCreatedPrivate() throws Exception {
    Path dir = tmp.resolve("a/state");
    new FileNodeState(dir, "c")
        .saveMembership(new Membership("c", 1, "id", Instant.parse("2026-01-01T00:00:00Z")));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(new FileNodeState(dir, "c").membership()).isPresent();
  }

  @Test
  void aDamagedMembershipFileIsNamedWithWhatToDo() throws Exception {
    Path file = tmp.resolve("c.membership.json");
    for (String content : new String[] {"{not json", "{}", "", "{\"cluster\":\"c\"}", "[1]"}) {
      Files.writeString(file, content);
      assertThatThrownBy(() -> new FileNodeState(tmp, "c").membership())
          .as(content)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith(file + " is damaged (")
          .hasMessageContaining("remove it and run `muster join` again")
          .hasMessageNotContaining("JsonNode");
    }
  }
}
