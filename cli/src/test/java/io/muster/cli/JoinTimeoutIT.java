package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.cli.MainTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `join --timeout` bounds everything, a running adapter command included (issue "Fail before
 * acting" §2): a form script that sleeps 600 s under --timeout 2s ran for the adapter's own 5
 * minute limit, then muster said "gave up after 2s" and the sleeper lived on.
 */
class JoinTimeoutIT {
  @TempDir Path dir;

  @Test
  void aHungFormScriptIsEndedWithItsChildrenAtTheJoinDeadline() throws Exception {
    Path pid = dir.resolve("child.pid");
    Path form = dir.resolve("form.sh");
    Files.writeString(form, "#!/bin/sh\nsleep 600 &\necho $! > " + pid + "\nwait\n");
    Files.setPosixFilePermissions(form, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> env = new HashMap<>();
    env.put("MUSTER_CLUSTER_NAME", "hung");
    env.put("MUSTER_DISCOVERY_PROVIDER", "static");
    env.put("MUSTER_DISCOVERY_STATIC_PEERS", "n1=127.0.0.1");
    env.put("MUSTER_NODE_ADDRESS", "127.0.0.1");
    env.put("MUSTER_NODE_INSTANCE_ID", "n1");
    env.put("MUSTER_STORE_PROVIDER", "file");
    env.put("MUSTER_STORE_FILE_DIR", dir.resolve("store").toString());
    env.put("MUSTER_STATE_DIR", dir.resolve("state").toString());
    env.put("MUSTER_ELECTION_STABLE_FOR", "0s");
    env.put("MUSTER_ADAPTER_EXEC_FORM", form.toString());
    env.put("MUSTER_ADAPTER_EXEC_JOIN", "/bin/true");

    Run r = MainTest.run(env, "join", "--timeout", "2s");

    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err())
        .contains("gave up after 2s")
        .contains("(the join.timeout / --timeout 2s deadline)");
    long child = Long.parseLong(Files.readString(pid).strip());
    for (int i = 0;
        i < 250 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false);
        i++) {
      Thread.sleep(20);
    }
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
        .as("the form script's child still runs")
        .isFalse();
    try (var left = Files.list(dir.resolve("state").resolve("handoff"))) {
      assertThat(left).as("hand-off files left").isEmpty();
    }
  }
}
