package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.cli.MainTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `join` and `agent` check everything they will need before their first effect (issue "Fail before
 * acting", §1): each case below once claimed generation 1, and some formed and published, before
 * failing with exit 1. Now: exit 2 naming the key, the value and the fix, and the store untouched.
 */
class PreflightTest {
  @TempDir Path dir;
  Path store;

  @BeforeEach
  void setUp() throws Exception {
    store = Files.createDirectories(dir.resolve("store"));
    Path form = dir.resolve("form.sh");
    Files.writeString(form, "#!/bin/sh\ntouch " + dir.resolve("formed") + "\n");
    Files.setPosixFilePermissions(form, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  Map<String, String> env() {
    Map<String, String> e = new HashMap<>();
    e.put("MUSTER_CLUSTER_NAME", "pre");
    e.put("MUSTER_DISCOVERY_PROVIDER", "static");
    e.put("MUSTER_DISCOVERY_STATIC_PEERS", "n1=127.0.0.1");
    e.put("MUSTER_NODE_ADDRESS", "127.0.0.1");
    e.put("MUSTER_NODE_INSTANCE_ID", "n1");
    e.put("MUSTER_STORE_PROVIDER", "file");
    e.put("MUSTER_STORE_FILE_DIR", store.toString());
    e.put("MUSTER_STATE_DIR", dir.resolve("state").toString());
    e.put("MUSTER_ELECTION_STABLE_FOR", "0s");
    e.put("MUSTER_JOIN_TIMEOUT", "5s");
    e.put("MUSTER_ADAPTER_EXEC_FORM", dir.resolve("form.sh").toString());
    e.put("MUSTER_ADAPTER_EXEC_JOIN", "/bin/true");
    return e;
  }

  Run join(Map<String, String> env) {
    return MainTest.run(env, "join");
  }

  /** Exit 2 with every fragment in the message; nothing in the store, no script run. */
  void refusedBeforeActing(Map<String, String> env, String... fragments) throws Exception {
    Run r = join(env);
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("configuration error").contains(fragments);
    try (Stream<Path> files = Files.list(store)) {
      assertThat(files).as("the store was written").isEmpty();
    }
    assertThat(dir.resolve("formed")).as("the form script ran").doesNotExist();
    Run check = MainTest.run(env, "config", "check");
    assertThat(check.code()).as("config check agrees: " + check.err()).isEqualTo(2);
    Run agent = MainTest.run(env, "agent");
    assertThat(agent.code()).as("agent refuses it too: " + agent.err()).isEqualTo(2);
  }

  @Test
  void theBaseConfigurationJoins() {
    Run r = join(env());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(dir.resolve("formed")).exists();
  }

  @Test
  void aStateDirThatCannotBeWrittenIsRefused() throws Exception {
    Map<String, String> env = env();
    env.put("MUSTER_STATE_DIR", "/proc");
    refusedBeforeActing(env, "state.dir='/proc'", "cannot create files in /proc", "Set state.dir");
  }

  @Test
  void configCheckCanCheckTheFileForAnotherHostWithoutThisHostsChecks() {
    // A configuration for an image: its state dir and scripts exist there, not here.
    Map<String, String> env = env();
    env.put("MUSTER_STATE_DIR", "/proc");
    env.put("MUSTER_ADAPTER_EXEC_FORM", "/nonexistent/form");
    Run here = MainTest.run(env, "config", "check");
    assertThat(here.code()).as(here.err()).isEqualTo(2);
    assertThat(here.err()).contains("state.dir='/proc'", "/nonexistent/form");

    Run elsewhere = MainTest.run(env, "config", "check", "--skip-host-checks");
    assertThat(elsewhere.code()).as(elsewhere.err()).isZero();
    assertThat(elsewhere.out()).contains("configuration is valid");

    // The file's own rules still apply.
    env.put("MUSTER_ELECTION_MIN_PEERS", "three");
    Run broken = MainTest.run(env, "config", "check", "--skip-host-checks");
    assertThat(broken.code()).isEqualTo(2);
    assertThat(broken.err()).contains("election.min-peers");
  }

  @Test
  void aStateDirThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Map<String, String> env = env();
    env.put("MUSTER_STATE_DIR", file.resolve("sub").toString());
    refusedBeforeActing(env, "state.dir=", "is not a directory");
  }

  @Test
  void aStoreDirThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("store-file"), "x");
    Map<String, String> env = env();
    env.put("MUSTER_STORE_FILE_DIR", file.toString());
    Run r = join(env);
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("store.file.dir=", "is not a directory");
    assertThat(dir.resolve("formed")).doesNotExist();
  }

  @Test
  void anInstanceIdWithPathCharactersIsRefused() throws Exception {
    Map<String, String> env = env();
    env.put("MUSTER_NODE_INSTANCE_ID", "../x");
    refusedBeforeActing(env, "node.instance-id='../x'", "not a valid instance id");
  }

  @Test
  void anEmptyInstanceIdIsRefusedNotReplacedByTheAddress() throws Exception {
    Map<String, String> env = env();
    env.put("MUSTER_NODE_INSTANCE_ID", "");
    refusedBeforeActing(env, "node.instance-id=''", "empty");
  }

  @Test
  void anUnspecifiedOrMulticastAddressIsRefused() throws Exception {
    for (String address : new String[] {"0.0.0.0", "::", "224.0.0.1", "ff02::1"}) {
      Map<String, String> env = env();
      env.put("MUSTER_NODE_ADDRESS", address);
      env.put("MUSTER_DISCOVERY_STATIC_PEERS", "n1=127.0.0.1");
      refusedBeforeActing(env, "node.address='" + address + "'");
    }
  }

  @Test
  void anExecAdapterWithoutAFormScriptIsRefused() throws Exception {
    Map<String, String> env = env();
    env.remove("MUSTER_ADAPTER_EXEC_FORM");
    refusedBeforeActing(env, "adapter.exec.form is required", "seed");
  }

  @Test
  void aScriptThatDoesNotExistOrIsNotExecutableIsRefused() throws Exception {
    Map<String, String> env = env();
    env.put("MUSTER_ADAPTER_EXEC_JOIN", dir.resolve("missing.sh").toString());
    refusedBeforeActing(env, "adapter.exec.join=", "missing.sh does not exist");

    Path notExecutable = Files.writeString(dir.resolve("plain.sh"), "#!/bin/sh\n");
    env.put("MUSTER_ADAPTER_EXEC_JOIN", notExecutable.toString());
    refusedBeforeActing(env, "plain.sh is not an executable file");

    env.put("MUSTER_ADAPTER_EXEC_JOIN", "no-such-program-muster-test");
    refusedBeforeActing(env, "no-such-program-muster-test is not found in PATH");
  }

  @Test
  void everyProblemIsReportedAtOnce() throws Exception {
    Map<String, String> env = env();
    env.put("MUSTER_STATE_DIR", "/proc");
    env.remove("MUSTER_ADAPTER_EXEC_FORM");
    refusedBeforeActing(env, "2 problems (nothing was changed)", "state.dir", "adapter.exec.form");
  }

  @Test
  void dryRunChecksToo() {
    Map<String, String> env = env();
    env.put("MUSTER_STATE_DIR", "/proc");
    Run r = MainTest.run(env, "join", "--dry-run");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("state.dir='/proc'");
  }
}
