package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code muster join/status/leave} end to end in-process: static discovery, the real file store,
 * and the exec adapter running real shell scripts that play a clustered system.
 */
class JoinCommandIT {
  @TempDir Path dir;
  Path system;

  @BeforeEach
  void scripts() throws Exception {
    system = Files.createDirectories(dir.resolve("system"));
    script(
        "form.sh",
        "head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n' > $S/cookie\n"
            + "printf '{\"cookie\":\"%s\"}' \"$(cat $S/cookie)\" > \"$MUSTER_CREDENTIALS_FILE\"\n"
            + "echo formed > $S/$MUSTER_NODE_INSTANCE_ID.member\n");
    script(
        "join.sh",
        "cp \"$MUSTER_CREDENTIALS_FILE\" $S/$MUSTER_NODE_INSTANCE_ID.creds\n"
            + "echo \"via $MUSTER_JOIN_ADDRESS\" > $S/$MUSTER_NODE_INSTANCE_ID.member\n");
    script(
        "inspect.sh",
        "if [ -f $S/$MUSTER_NODE_INSTANCE_ID.member ]; then echo member; else echo standalone; fi\n");
    script("leave.sh", "rm -f $S/$MUSTER_NODE_INSTANCE_ID.member\n");
  }

  void script(String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\nset -e\nS=" + system + "\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  Map<String, String> env(String node) {
    Map<String, String> e = new HashMap<>();
    e.put("MUSTER_STORE_PROVIDER", "file");
    e.put("MUSTER_STORE_FILE_DIR", dir.resolve("store").toString());
    e.put("MUSTER_STATE_DIR", dir.resolve("state-" + node).toString());
    e.put("MUSTER_ELECTION_STABLE_FOR", "0s");
    e.put("MUSTER_DISCOVERY_INTERVAL", "100ms");
    e.put("MUSTER_JOIN_TIMEOUT", "30s");
    e.put("MUSTER_ADAPTER_EXEC_FORM", dir.resolve("form.sh").toString());
    e.put("MUSTER_ADAPTER_EXEC_JOIN", dir.resolve("join.sh").toString());
    e.put("MUSTER_ADAPTER_EXEC_INSPECT", dir.resolve("inspect.sh").toString());
    e.put("MUSTER_ADAPTER_EXEC_LEAVE", dir.resolve("leave.sh").toString());
    // No agent runs here: `status` reads the files without asking 127.0.0.1:9797, where another
    // test's agent might answer.
    e.put("MUSTER_AGENT_HTTP_ADDRESS", "");
    return e;
  }

  MainTest.Run muster(String node, String address, String... cmd) {
    String[] args = new String[cmd.length + 10];
    System.arraycopy(cmd, 0, args, 0, cmd.length);
    String[] common = {
      "--cluster",
      "demo",
      "--discovery",
      "static",
      "--peers",
      "n1=10.0.0.1,n2=10.0.0.2,n3=10.0.0.3",
      "--adapter",
      "exec",
      "--node-address",
      address
    };
    System.arraycopy(common, 0, args, cmd.length, common.length);
    return MainTest.run(env(node), args);
  }

  @Test
  void formJoinVerifyStatusLeave() throws Exception {
    MainTest.Run seed = muster("n1", "10.0.0.1", "join");
    assertThat(seed.code()).as(seed.err()).isZero();
    assertThat(seed.out()).contains("formed demo generation 1");
    String cookie = Files.readString(system.resolve("cookie"));

    MainTest.Run n2 = muster("n2", "10.0.0.2", "join");
    assertThat(n2.code()).as(n2.err()).isZero();
    assertThat(n2.out()).contains("joined demo generation 1 through 10.0.0.1");
    assertThat(Files.readString(system.resolve("10.0.0.2.member"))).contains("via 10.0.0.1");
    assertThat(Files.readString(system.resolve("10.0.0.2.creds"))).contains(cookie);

    MainTest.Run again = muster("n2", "10.0.0.2", "join");
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("verified, nothing changed");

    MainTest.Run dry = muster("n3", "10.0.0.3", "join", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("decision: join").contains("(dry run: nothing was changed)");
    assertThat(system.resolve("10.0.0.3.member")).doesNotExist();
    assertThat(dry.out() + dry.err()).doesNotContain(cookie);

    MainTest.Run status = muster("n2", "10.0.0.2", "status", "--output", "json");
    assertThat(status.code()).as(status.err()).isZero();
    var j = new ObjectMapper().readTree(status.out());
    assertThat(j.at("/member").asBoolean()).isTrue();
    assertThat(j.at("/generation").asLong()).isEqualTo(1);
    assertThat(j.at("/registeredMembers")).hasSize(2);

    MainTest.Run leave = muster("n2", "10.0.0.2", "leave");
    assertThat(leave.code()).as(leave.err()).isZero();
    assertThat(system.resolve("10.0.0.2.member")).doesNotExist();
    assertThat(muster("n2", "10.0.0.2", "status").code()).isEqualTo(1);

    for (MainTest.Run r : new MainTest.Run[] {seed, n2, again, status, leave}) {
      assertThat(r.out() + r.err()).doesNotContain(cookie);
    }
  }

  @Test
  void aNodeOutsideItsOwnViewGivesUpAtTheTimeoutWithTheReason() {
    MainTest.Run r = muster("x", "10.0.0.9", "join", "--timeout", "1s");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("gave up after 1s").contains("is not in its own view");
  }
}
