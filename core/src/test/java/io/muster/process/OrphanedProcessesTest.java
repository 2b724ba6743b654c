package io.muster.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OrphanedProcessesTest {
  @Test
  void endsOnlyTheProcessesWhoseEnvironmentNamesTheDirectory() throws Exception {
    String var = "MUSTER_TEST_ORPHAN_" + ProcessHandle.current().pid();
    ProcessBuilder mine = new ProcessBuilder("/bin/sleep", "60");
    mine.environment().put(var, "/state/handoff/exec-1-aa/credentials.json");
    ProcessBuilder other = new ProcessBuilder("/bin/sleep", "60");
    other.environment().put(var, "/state/handoff/exec-2-bb/credentials.json");
    Process a = mine.start();
    Process b = other.start();
    try {
      assertThat(
              OrphanedProcesses.endWithEnvironment(var, Path.of("/state/handoff/exec-1-aa") + "/"))
          .containsExactly(a.pid());
      assertThat(a.waitFor()).isNotZero();
      assertThat(b.isAlive()).isTrue();
    } finally {
      a.destroyForcibly();
      b.destroyForcibly();
    }
  }
}
