package io.muster.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandoffFilesTest {
  @TempDir Path tmp;

  @Test
  void aPrivateDirIsMode0700UnderA0700BaseThatIsCreated() throws Exception {
    Path state = tmp.resolve("state");
    Path base = HandoffFiles.base(state);

    Path dir = HandoffFiles.newPrivateDir(base, "exec");

    assertThat(dir.getParent()).isEqualTo(base);
    assertThat(dir.getFileName().toString())
        .startsWith("exec-" + ProcessHandle.current().pid() + "-");
    for (Path p : new Path[] {state, base, dir}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .as(p.toString())
          .isEqualTo("rwx------");
    }
    HandoffFiles.remove(dir);
    assertThat(dir).doesNotExist();
  }

  @Test
  void removeLiveRemovesWhatThisProcessHasNotRemovedYet() throws Exception {
    Path dir = HandoffFiles.newPrivateDir(tmp.resolve("handoff"), "exec");
    Files.writeString(dir.resolve("credentials.json"), "{}");

    HandoffFiles.removeLive();

    assertThat(dir).doesNotExist();
  }

  @Test
  void removeStaleRemovesWhatDeadProcessesLeftAndKeepsTheLiveOnes() throws Exception {
    Path base = Files.createDirectories(tmp.resolve("handoff"));
    Process other = new ProcessBuilder("/bin/sleep", "60").start();
    try {
      Path dead = Files.createDirectories(base.resolve("exec-" + deadPid() + "-abc"));
      Files.writeString(dead.resolve("credentials.json"), "{\"cookie\":\"left by kill -9\"}");
      Path alive = Files.createDirectories(base.resolve("exec-" + other.pid() + "-abc"));
      Path mine = HandoffFiles.newPrivateDir(base, "exec");
      Path odd = Files.createDirectories(base.resolve("not-ours"));

      assertThat(HandoffFiles.removeStale(base)).containsExactlyInAnyOrder(dead, odd);

      assertThat(dead).doesNotExist();
      assertThat(odd).doesNotExist();
      assertThat(alive).exists();
      assertThat(mine).exists();
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void ownerPidIsReadFromTheName() {
    assertThat(HandoffFiles.ownerPid("exec-1234-a1b2c3")).isEqualTo(1234);
    assertThat(HandoffFiles.ownerPid("junk")).isEqualTo(-1);
    assertThat(HandoffFiles.ownerPid("a-b-c")).isEqualTo(-1);
  }

  /** A pid no process has: one that has just exited. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("/bin/true").start();
    p.waitFor();
    return p.pid();
  }
}
