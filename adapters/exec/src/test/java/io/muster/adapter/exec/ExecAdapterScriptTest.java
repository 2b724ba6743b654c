package io.muster.adapter.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.muster.adapter.AdapterException;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.process.SystemProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec adapter running real /bin/sh scripts written to a temp dir. */
class ExecAdapterScriptTest {
  private static final NodeIdentity SELF = NodeIdentity.of("i-self", "127.0.0.5");
  private static final Peer ME = Peer.of("127.0.0.5").withInstanceId("i-self");
  private static final Peer OTHER = Peer.of("127.0.0.6").withInstanceId("i-other");

  @TempDir Path scripts;
  @TempDir Path tmp;

  private Path script(String name, String body) throws Exception {
    Path p = scripts.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  private ExecAdapter adapter(Settings s) {
    return new ExecAdapter(
        ExecSettings.from(s.with(CoreKeys.CLUSTER_NAME, "prod")),
        () -> SELF,
        new SystemProcessRunner(),
        tmp);
  }

  private void assertTempEmpty() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void aJoinScriptSeesTheVariablesAndA0400CredentialsFileThatIsDeletedAfterwards()
      throws Exception {
    Path out = scripts.resolve("out");
    Path join =
        script(
            "join.sh",
            "set -e\n"
                + "env | grep '^MUSTER_' | sort > '"
                + out
                + ".env'\n"
                + "stat -c %a \"$MUSTER_CREDENTIALS_FILE\" > '"
                + out
                + ".mode'\n"
                + "cat \"$MUSTER_CREDENTIALS_FILE\" > '"
                + out
                + ".creds'\n"
                + "echo \"$1\" > '"
                + out
                + ".arg'");
    adapter(Settings.empty().with(ExecAdapterProvider.JOIN, join.toString(), "first-arg"))
        .join(
            new JoinRequest(
                "prod",
                "cid-7",
                SELF,
                List.of(OTHER),
                new Credentials(Map.of("cookie", Secret.of("s3cret"))),
                List.of(ME, OTHER)));

    List<String> env = Files.readAllLines(Path.of(out + ".env"));
    String file =
        env.stream()
            .filter(l -> l.startsWith("MUSTER_CREDENTIALS_FILE="))
            .findFirst()
            .orElseThrow()
            .substring("MUSTER_CREDENTIALS_FILE=".length());
    assertThat(env)
        .contains(
            "MUSTER_CLUSTER=prod",
            "MUSTER_CLUSTER_ID=cid-7",
            "MUSTER_NODE_ADDRESS=127.0.0.5",
            "MUSTER_NODE_INSTANCE_ID=i-self",
            "MUSTER_SEED_ADDRESS=127.0.0.5",
            "MUSTER_JOIN_ADDRESS=127.0.0.6",
            "MUSTER_PEERS_JSON=[{\"address\":\"127.0.0.6\",\"instanceId\":\"i-other\"}]");
    assertThat(Files.readString(Path.of(out + ".mode")).strip()).isEqualTo("400");
    assertThat(Files.readString(Path.of(out + ".creds"))).isEqualTo("{\"cookie\":\"s3cret\"}");
    assertThat(Files.readString(Path.of(out + ".arg")).strip()).isEqualTo("first-arg");
    assertThat(Path.of(file)).doesNotExist();
    assertTempEmpty();
  }

  @Test
  void aFormScriptPublishesSecretsThroughTheFile() throws Exception {
    Path form =
        script(
            "form.sh",
            "printf '{\"erlang-cookie\": \"%s-cookie\", \"note\": \"%s\"}' \"$MUSTER_CLUSTER_ID\""
                + " \"$MUSTER_SEED_ADDRESS\" > \"$MUSTER_CREDENTIALS_FILE\"");
    Credentials c =
        adapter(Settings.empty().with(ExecAdapterProvider.FORM, form.toString()))
            .form(new FormRequest("prod", "cid-9", SELF, List.of(ME, OTHER)));
    assertThat(c)
        .isEqualTo(
            new Credentials(
                Map.of(
                    "erlang-cookie", Secret.of("cid-9-cookie"), "note", Secret.of("127.0.0.5"))));
    assertTempEmpty();
  }

  @Test
  void aFailingScriptsStderrIsQuoted() throws Exception {
    Path join =
        script("join.sh", "echo progress; echo \"cannot reach $MUSTER_JOIN_ADDRESS\" >&2; exit 4");
    AdapterException e =
        catchThrowableOfType(
            AdapterException.class,
            () ->
                adapter(Settings.empty().with(ExecAdapterProvider.JOIN, join.toString()))
                    .join(
                        new JoinRequest(
                            "prod",
                            "cid",
                            SELF,
                            List.of(OTHER),
                            Credentials.none(),
                            List.of(ME, OTHER))));
    assertThat(e)
        .hasMessage(
            "join script `"
                + join
                + "` exited with 4: stderr: cannot reach 127.0.0.6 (fix the script set in"
                + " adapter.exec.join)");
    assertTempEmpty();
  }

  /** Issue "Fail before acting" §4: the secret was in muster's log four times. */
  @Test
  void aJoinScriptThatPrintsItsCredentialsGetsThemMaskedInTheMessage() throws Exception {
    Path join = script("join.sh", "cat \"$MUSTER_CREDENTIALS_FILE\" >&2; echo; exit 1");
    Credentials secrets =
        new Credentials(Map.of("erlang-cookie", Secret.of("join-secret-7f3a9c2e")));
    AdapterException e =
        catchThrowableOfType(
            AdapterException.class,
            () ->
                adapter(Settings.empty().with(ExecAdapterProvider.JOIN, join.toString()))
                    .join(
                        new JoinRequest(
                            "prod", "cid", SELF, List.of(OTHER), secrets, List.of(ME, OTHER))));
    assertThat(e.getMessage())
        .doesNotContain("join-secret-7f3a9c2e")
        .contains("{\"erlang-cookie\":\"<redacted>\"}");
    assertTempEmpty();
  }

  @Test
  void aFailingFormScriptThatPrintsTheSecretsItMadeGetsThemMasked() throws Exception {
    Path form =
        script(
            "form.sh",
            "echo '{\"cookie\": \"form-made-secret-81be\"}' > \"$MUSTER_CREDENTIALS_FILE\";"
                + " echo 'made form-made-secret-81be' >&2; exit 3");
    AdapterException e =
        catchThrowableOfType(
            AdapterException.class,
            () ->
                adapter(Settings.empty().with(ExecAdapterProvider.FORM, form.toString()))
                    .form(new FormRequest("prod", "cid", SELF, List.of(ME))));
    assertThat(e.getMessage()).doesNotContain("form-made-secret-81be").contains("made <redacted>");
    assertTempEmpty();
  }

  /** A script that cannot be started stays so: no retry until join.timeout (§6). */
  @Test
  void aScriptThatCannotBeStartedFailsWithoutRetry() throws Exception {
    Path missing = scripts.resolve("gone.sh");
    AdapterException e =
        catchThrowableOfType(
            AdapterException.class,
            () ->
                adapter(Settings.empty().with(ExecAdapterProvider.JOIN, missing.toString()))
                    .join(
                        new JoinRequest(
                            "prod", "cid", SELF, List.of(OTHER), Credentials.none(), List.of())));
    assertThat(e.retryable()).isFalse();
    assertThat(e).hasMessageContaining("could not run").hasMessageContaining("gone.sh");
    assertTempEmpty();
  }

  @Test
  void exit77FromARealScriptIsARejection() throws Exception {
    Path join = script("join.sh", "echo 'Invalid cookie' >&2; exit 77");
    assertThat(
            catchThrowableOfType(
                CredentialsRejectedException.class,
                () ->
                    adapter(Settings.empty().with(ExecAdapterProvider.JOIN, join.toString()))
                        .join(
                            new JoinRequest(
                                "prod",
                                "cid",
                                SELF,
                                List.of(OTHER),
                                Credentials.none(),
                                List.of()))))
        .hasMessageContaining("Invalid cookie");
    assertTempEmpty();
  }

  @Test
  void aRealInspectScriptReportsMembershipAndLeaveGetsForce() throws Exception {
    Path inspect = script("inspect.sh", "echo member; echo \"n-$MUSTER_NODE_INSTANCE_ID\"");
    Path marker = scripts.resolve("left");
    Path leave = script("leave.sh", "echo \"$MUSTER_FORCE\" > '" + marker + "'");
    ExecAdapter a =
        adapter(
            Settings.empty()
                .with(ExecAdapterProvider.INSPECT, inspect.toString())
                .with(ExecAdapterProvider.LEAVE, leave.toString()));
    assertThat(a.inspect().clustered()).isTrue();
    assertThat(a.inspect().members()).containsExactly("n-i-self");
    assertThat(a.verify(List.of(OTHER))).isEmpty();
    a.leave(true);
    assertThat(Files.readString(marker).strip()).isEqualTo("true");
  }
}
