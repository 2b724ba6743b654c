package io.muster.adapter.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.muster.adapter.AdapterException;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.LocalMembership;
import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.KeyRegistry;
import io.muster.config.Settings;
import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.plugin.PluginContext;
import io.muster.plugin.Plugins;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import io.muster.process.RecordingProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecAdapterTest {
  private static final NodeIdentity SELF = NodeIdentity.of("i-self", "10.0.0.5");
  private static final Peer ME = Peer.of("10.0.0.5").withInstanceId("i-self");
  private static final Peer N9 = Peer.of("10.0.0.9").withHostname("n9").withInstanceId("i-9");
  private static final Peer N10 = Peer.of("10.0.0.10").withInstanceId("i-10");
  private static final String SECRET = "c00kie-SECRET";

  @TempDir Path tmp;
  private final RecordingProcessRunner runner = new RecordingProcessRunner();

  private Settings all() {
    return Settings.empty()
        .with(CoreKeys.CLUSTER_NAME, "prod")
        .with(ExecAdapterProvider.FORM, "/opt/form.sh", "--flag")
        .with(ExecAdapterProvider.JOIN, "/opt/join.sh,--via,member")
        .with(ExecAdapterProvider.LEAVE, "/opt/leave.sh")
        .with(ExecAdapterProvider.MEMBERS_CHANGED, "/opt/changed.sh")
        .with(ExecAdapterProvider.INSPECT, "/opt/inspect.sh")
        .with(ExecAdapterProvider.TIMEOUT, "90s");
  }

  private ExecAdapter adapter(Settings s) {
    return new ExecAdapter(ExecSettings.from(s), () -> SELF, runner, tmp);
  }

  private static JoinRequest join() {
    return new JoinRequest(
        "prod",
        "cid-1",
        SELF,
        List.of(N9, N10),
        new Credentials(Map.of("erlang-cookie", Secret.of(SECRET))),
        List.of(ME, N9, N10));
  }

  private void assertTempEmpty() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s).as("private files left in " + tmp).isEmpty();
    }
  }

  @Test
  void formRunsTheExactCommandWithTheViewAndAnEmptyPrivateFileAndReturnsWhatTheScriptWrote()
      throws Exception {
    AtomicReference<String> modeSeen = new AtomicReference<>();
    runner.otherwise(
        c -> {
          Path f = Path.of(c.env().get("MUSTER_CREDENTIALS_FILE"));
          modeSeen.set(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
          assertThat(Files.size(f)).isZero();
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())))
              .isEqualTo("rwx------");
          Files.writeString(f, "{\"erlang-cookie\":\"" + SECRET + "\"}");
          return new ProcessResult(0, "formed\n", "");
        });
    Credentials out =
        adapter(all()).form(new FormRequest("prod", "cid-1", SELF, List.of(ME, N9, N10)));

    Command c = runner.only();
    assertThat(c.argv()).containsExactly("/opt/form.sh", "--flag");
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.stdin()).isNull();
    Map<String, String> env = new HashMap<>(c.env());
    assertThat(env.remove("MUSTER_CREDENTIALS_FILE"))
        .startsWith(tmp + "/exec-" + ProcessHandle.current().pid() + "-");
    assertThat(env)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "MUSTER_CLUSTER", "prod",
                "MUSTER_CLUSTER_ID", "cid-1",
                "MUSTER_NODE_ADDRESS", "10.0.0.5",
                "MUSTER_NODE_INSTANCE_ID", "i-self",
                "MUSTER_SEED_ADDRESS", "10.0.0.5",
                "MUSTER_PEERS_JSON",
                    "[{\"address\":\"10.0.0.5\",\"instanceId\":\"i-self\"},"
                        + "{\"address\":\"10.0.0.9\",\"hostname\":\"n9\",\"instanceId\":\"i-9\"},"
                        + "{\"address\":\"10.0.0.10\",\"instanceId\":\"i-10\"}]"));
    assertThat(modeSeen.get()).isEqualTo("rw-------");
    assertThat(out.get("erlang-cookie").orElseThrow().reveal()).isEqualTo(SECRET);
    assertTempEmpty();
  }

  @Test
  void aFormScriptThatWritesNothingPublishesNoSecrets() throws Exception {
    assertThat(adapter(all()).form(new FormRequest("prod", "cid", SELF, List.of(ME))))
        .isEqualTo(Credentials.none());
    assertTempEmpty();
  }

  @Test
  void aFormScriptWritingInvalidJsonFailsWithoutQuotingIt() throws Exception {
    runner.otherwise(
        c -> {
          Files.writeString(
              Path.of(c.env().get("MUSTER_CREDENTIALS_FILE")), "cookie=" + SECRET + "\n");
          return new ProcessResult(0, "", "");
        });
    AdapterException e =
        catchThrowableOfType(
            AdapterException.class,
            () -> adapter(all()).form(new FormRequest("prod", "cid", SELF, List.of(ME))));
    assertThat(e).hasMessageContaining("MUSTER_CREDENTIALS_FILE").hasMessageContaining("JSON");
    assertThat(e.getMessage()).doesNotContain(SECRET);
    assertThat(e.retryable()).isFalse();
    assertTempEmpty();
  }

  @Test
  void joinGetsTheSecretsInA0400FileThatIsGoneAfterwardsAndTheMembersAsPeers() throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    runner.otherwise(
        c -> {
          Path f = Path.of(c.env().get("MUSTER_CREDENTIALS_FILE"));
          seen.set(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(f))
                  + " "
                  + Files.readString(f));
          return new ProcessResult(0, "", "");
        });
    adapter(all()).join(join());

    Command c = runner.only();
    assertThat(c.argv()).containsExactly("/opt/join.sh", "--via", "member");
    assertThat(seen.get()).isEqualTo("r-------- {\"erlang-cookie\":\"" + SECRET + "\"}");
    Map<String, String> env = new HashMap<>(c.env());
    Path file = Path.of(env.remove("MUSTER_CREDENTIALS_FILE"));
    assertThat(file).doesNotExist();
    assertThat(env)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "MUSTER_CLUSTER", "prod",
                "MUSTER_CLUSTER_ID", "cid-1",
                "MUSTER_NODE_ADDRESS", "10.0.0.5",
                "MUSTER_NODE_INSTANCE_ID", "i-self",
                "MUSTER_SEED_ADDRESS", "10.0.0.5",
                "MUSTER_JOIN_ADDRESS", "10.0.0.9",
                "MUSTER_PEERS_JSON",
                    "[{\"address\":\"10.0.0.9\",\"hostname\":\"n9\",\"instanceId\":\"i-9\"},"
                        + "{\"address\":\"10.0.0.10\",\"instanceId\":\"i-10\"}]"));
    assertThat(c.env().values()).noneMatch(v -> v.contains(SECRET));
    assertThat(c.argv()).noneMatch(v -> v.contains(SECRET));
    assertTempEmpty();
  }

  @Test
  void aFailingScriptIsQuotedWithTheTailOfItsStderrAndTheSecretsFileIsStillDeleted()
      throws Exception {
    String longErr = "x".repeat(10_000) + "\nerror: node n9 unreachable";
    runner.otherwise(c -> new ProcessResult(3, "some stdout", longErr));
    AdapterException e =
        catchThrowableOfType(AdapterException.class, () -> adapter(all()).join(join()));
    assertThat(e)
        .isNotInstanceOf(CredentialsRejectedException.class)
        .hasMessageStartingWith("join script `/opt/join.sh --via member` exited with 3: stderr: [")
        .hasMessageContaining("chars cut]")
        .hasMessageContaining("error: node n9 unreachable")
        .hasMessageEndingWith("(fix the script set in adapter.exec.join)");
    assertThat(e.getMessage().length()).isBetween(2048, 2048 + 300);
    assertThat(e.retryable()).isTrue();
    assertTempEmpty();
  }

  @Test
  void stdoutIsQuotedWhenStderrIsEmpty() {
    runner.otherwise(c -> new ProcessResult(1, "usage: leave.sh\n", "  \n"));
    assertThatThrownBy(() -> adapter(all()).leave(false))
        .hasMessage(
            "leave script `/opt/leave.sh` exited with 1: stdout: usage: leave.sh (fix the script"
                + " set in adapter.exec.leave)");
  }

  @Test
  void verifyTargetRunsTheCommandWithTheTargetAndRefusesOnANonZeroExit() throws Exception {
    Settings s = all().with(ExecAdapterProvider.VERIFY_TARGET, "/opt/verify-target.sh");
    AtomicReference<String> secrets = new AtomicReference<>();
    runner.otherwise(
        c -> {
          secrets.set(Files.readString(Path.of(c.env().get("MUSTER_CREDENTIALS_FILE"))));
          return c.env().get("MUSTER_JOIN_ADDRESS").equals("10.0.0.9")
              ? new ProcessResult(0, "", "")
              : new ProcessResult(1, "", "10.0.0.10 is a standalone node");
        });
    ExecAdapter a = adapter(s);
    assertThat(a.verifyTarget(join(), N9)).isEmpty();
    assertThat(a.verifyTarget(join(), N10))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("verify-target script `/opt/verify-target.sh` exited with 1")
                    .contains("10.0.0.10 is a standalone node")
                    .doesNotContain(SECRET));
    assertThat(secrets.get()).contains(SECRET);
    Command c = runner.commands().get(1);
    assertThat(c.argv()).containsExactly("/opt/verify-target.sh");
    assertThat(c.env())
        .containsEntry("MUSTER_JOIN_ADDRESS", "10.0.0.10")
        .containsEntry("MUSTER_CLUSTER_ID", "cid-1");
    assertThat(c.env().values()).noneMatch(v -> v.contains(SECRET));
    assertTempEmpty();
  }

  @Test
  void withoutAVerifyTargetCommandEveryTargetPasses() throws Exception {
    assertThat(adapter(all()).verifyTarget(join(), N10)).isEmpty();
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void onlyAVerifyTargetCommandProvesTargetsForLightJoins() {
    // Light joins skip the JOINING record and the fresh view on the strength of this proof.
    assertThat(adapter(all()).provesTargets()).isFalse();
    assertThat(
            adapter(all().with(ExecAdapterProvider.VERIFY_TARGET, "/opt/verify-target.sh"))
                .provesTargets())
        .isTrue();
  }

  @Test
  void joinExit77MeansTheCredentialsWereRejected() {
    runner.otherwise(c -> new ProcessResult(77, "", "bad cookie"));
    assertThatThrownBy(() -> adapter(all()).join(join()))
        .isInstanceOf(CredentialsRejectedException.class)
        .hasMessageContaining("exited with 77 (the cluster rejected the join credentials)")
        .hasMessageContaining("bad cookie");
  }

  @Test
  void aTimeoutIsARetryableFailureNamingTheTimeoutKey() {
    runner.otherwise(
        c -> {
          throw new CommandException("`/opt/join.sh --via member` did not finish within 90 s");
        });
    AdapterException e =
        catchThrowableOfType(AdapterException.class, () -> adapter(all()).join(join()));
    assertThat(e)
        .hasMessageContaining("did not finish within 90 s")
        .hasMessageContaining("adapter.exec.timeout");
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void formAndJoinWithoutAScriptFailNamingTheKeyAndRunNothing() {
    ExecAdapter a = adapter(Settings.empty());
    AdapterException form =
        catchThrowableOfType(
            AdapterException.class,
            () -> a.form(new FormRequest("prod", "cid", SELF, List.of(ME))));
    assertThat(form)
        .hasMessageContaining("adapter.exec.form is not set")
        .hasMessageContaining("MUSTER_ADAPTER_EXEC_FORM");
    assertThat(form.retryable()).isFalse();
    assertThatThrownBy(() -> a.join(join())).hasMessageContaining("adapter.exec.join is not set");
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void inspectReadsTheFirstLine() throws Exception {
    ExecAdapter a = adapter(all());
    runner.otherwise(c -> new ProcessResult(0, "member abc-123\nejabberd@n1\n\nejabberd@n2\n", ""));
    assertThat(a.inspect())
        .isEqualTo(
            new LocalMembership(true, true, "abc-123", List.of("ejabberd@n1", "ejabberd@n2")));
    runner.otherwise(c -> new ProcessResult(0, "member\n", ""));
    assertThat(a.inspect()).isEqualTo(new LocalMembership(true, true, null, List.of()));
    runner.otherwise(c -> new ProcessResult(0, "standalone\n", ""));
    assertThat(a.inspect()).isEqualTo(new LocalMembership(true, false, null, List.of()));
    runner.otherwise(c -> new ProcessResult(0, "", ""));
    assertThat(a.inspect()).isEqualTo(new LocalMembership(true, false, null, List.of()));
    runner.otherwise(c -> new ProcessResult(0, "stopped", ""));
    assertThat(a.inspect()).isEqualTo(new LocalMembership(false, false, null, List.of()));
    assertThat(runner.commands())
        .allSatisfy(c -> assertThat(c.argv()).containsExactly("/opt/inspect.sh"));
    runner.otherwise(c -> new ProcessResult(2, "", "cannot connect"));
    assertThatThrownBy(a::inspect)
        .hasMessageContaining(
            "inspect script `/opt/inspect.sh` exited with 2: stderr: cannot connect");
  }

  @Test
  void withoutAnInspectScriptTheNodeIsNotClusteredAndVerifyPasses() throws Exception {
    ExecAdapter a = adapter(Settings.empty());
    assertThat(a.inspect()).isEqualTo(new LocalMembership(true, false, null, List.of()));
    assertThat(a.verify(List.of(N9))).isEmpty();
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void verifyRunsInspectWithTheExpectedMembers() throws Exception {
    ExecAdapter a = adapter(all());
    runner.otherwise(c -> new ProcessResult(0, "member\n", ""));
    assertThat(a.verify(List.of(N9))).isEmpty();
    assertThat(runner.only().env())
        .containsEntry(
            "MUSTER_PEERS_JSON",
            "[{\"address\":\"10.0.0.9\",\"hostname\":\"n9\",\"instanceId\":\"i-9\"}]");
    runner.otherwise(c -> new ProcessResult(0, "standalone\n", ""));
    assertThat(a.verify(List.of(N9)))
        .contains(
            "inspect script `/opt/inspect.sh` does not report this node as a member (no 'member'"
                + " line)");
    runner.otherwise(c -> new ProcessResult(0, "stopped\n", ""));
    assertThat(a.verify(List.of()))
        .contains("inspect script `/opt/inspect.sh` says the service is stopped");
  }

  @Test
  void joinReportsTheMemberTheScriptNamesOnAThroughLineElseTheBestMember() throws Exception {
    runner.otherwise(c -> new ProcessResult(0, "joining...\nthrough 10.0.0.10\n", ""));
    assertThat(adapter(all()).join(join()).through()).isEqualTo(N10);

    // An address that is not one of the members offered is ignored.
    runner.otherwise(c -> new ProcessResult(0, "through 10.9.9.9\n", ""));
    assertThat(adapter(all()).join(join()).through()).isEqualTo(N9);

    runner.otherwise(c -> new ProcessResult(0, "", ""));
    assertThat(adapter(all()).join(join()).through()).isEqualTo(N9);
  }

  @Test
  void leavePassesForceAndTheClusterIdLearnedByJoin() throws Exception {
    ExecAdapter a = adapter(all());
    a.join(join());
    a.leave(true);
    a.leave(false);
    Command forced = runner.commands().get(1);
    assertThat(forced.argv()).containsExactly("/opt/leave.sh");
    assertThat(forced.env())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "MUSTER_CLUSTER", "prod",
                "MUSTER_CLUSTER_ID", "cid-1",
                "MUSTER_NODE_ADDRESS", "10.0.0.5",
                "MUSTER_NODE_INSTANCE_ID", "i-self",
                "MUSTER_FORCE", "true"));
    assertThat(runner.commands().get(2).env()).containsEntry("MUSTER_FORCE", "false");
  }

  @Test
  void withoutScriptsLeaveAndMembersChangedRunNothing() throws Exception {
    ExecAdapter a = adapter(Settings.empty());
    a.leave(true);
    a.membersChanged(List.of(N9));
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void membersChangedGetsAllMembersAndTheNumericallyLowestAsSeed() throws Exception {
    adapter(all()).membersChanged(List.of(N10, N9));
    Command c = runner.only();
    assertThat(c.argv()).containsExactly("/opt/changed.sh");
    // 10.0.0.9 < 10.0.0.10 by value, although not as text.
    assertThat(c.env())
        .containsEntry("MUSTER_SEED_ADDRESS", "10.0.0.9")
        .containsEntry(
            "MUSTER_PEERS_JSON",
            "[{\"address\":\"10.0.0.10\",\"instanceId\":\"i-10\"},"
                + "{\"address\":\"10.0.0.9\",\"hostname\":\"n9\",\"instanceId\":\"i-9\"}]")
        .doesNotContainKey("MUSTER_CLUSTER_ID")
        .containsEntry("MUSTER_CLUSTER", "prod");
  }

  @Test
  void thePlanNamesTheExactCommandAndTheVariablesItWouldSetButNoValues() throws Exception {
    ExecAdapter a = adapter(all());
    List<String> plan = a.plan("join", List.of(N9, N10));
    assertThat(plan).hasSize(4);
    a.join(join());
    List<String> names = runner.only().env().keySet().stream().sorted().toList();
    String run = plan.get(1);
    assertThat(run).startsWith("run `/opt/join.sh --via member` (timeout 90s) with ");
    List<String> planned =
        List.of(run.substring(run.indexOf(" with ") + 6).split(", ")).stream().sorted().toList();
    assertThat(planned).isEqualTo(names); // the plan and the real run agree
    assertThat(String.join("\n", plan))
        .doesNotContain(SECRET)
        .doesNotContain("10.0.0.9")
        .contains("mode 0400")
        .contains("verify: run `/opt/inspect.sh`");

    assertThat(a.plan("form", List.of(ME, N9)))
        .anySatisfy(s -> assertThat(s).startsWith("run `/opt/form.sh --flag` (timeout 90s) with "))
        .anySatisfy(s -> assertThat(s).contains("MUSTER_CREDENTIALS_FILE"));
    assertThat(a.plan("wait", List.of())).containsExactly("nothing to run (wait)");
    assertThat(adapter(Settings.empty()).plan("form", List.of(ME)))
        .containsExactly(
            "adapter.exec.form is not set: the exec adapter has no script to form with (set it,"
                + " or MUSTER_ADAPTER_EXEC_FORM, to the script's path and arguments)");
  }

  @Test
  void theProviderIsFoundByNameAndValidatesItsKeys() {
    assertThat(Plugins.adapters().all()).containsKey("exec");
    KeyRegistry registry = Plugins.keys();
    new ExecAdapterProvider()
        .keys()
        .forEach(k -> assertThat(registry.byName(k.name())).isEqualTo(k));
    PluginContext ctx = new PluginContext(all(), () -> SELF, runner, Clock.systemUTC(), d -> {});
    assertThat(new ExecAdapterProvider().create(ctx))
        .isInstanceOf(ExecAdapter.class)
        .extracting(x -> x.name())
        .isEqualTo("exec");
    assertThat(ExecSettings.from(Settings.empty()).timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(
            () -> ExecSettings.from(Settings.empty().with(ExecAdapterProvider.TIMEOUT, "soon")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("adapter.exec.timeout='soon'");
  }
}
