package io.muster.adapter.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.config.Settings;
import io.muster.credentials.Secret;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErlCallMnesiaTest {
  @TempDir Path state;

  final Secret cookie = Secret.of("ClusterCookie0123456789abcdefABCDEF");
  final List<Command> ran = new ArrayList<>();
  final List<String> seenCookie = new ArrayList<>();

  ErlCallMnesia probe(ProcessResult answer) {
    return new ErlCallMnesia(
        EjabberdSettings.from(Settings.empty()),
        c -> {
          ran.add(c);
          Path file = Path.of(c.env().get("HOME"), ".erlang.cookie");
          try {
            seenCookie.add(
                Files.readString(file)
                    + " "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                    + " "
                    + PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(file.getParent())));
          } catch (java.io.IOException e) {
            throw new AssertionError(e);
          }
          return answer;
        },
        state.resolve("handoff"));
  }

  @Test
  void asksDbNodesWithTheCookieInAPrivateHomeNeverInArgvAndRemovesIt() throws Exception {
    MnesiaProbe.Answer a =
        probe(new ProcessResult(0, "['ejabberd@10.0.0.1','ejabberd@10.0.0.2']", ""))
            .dbNodes("ejabberd@10.0.0.2", cookie);

    assertThat(a)
        .isEqualTo(new MnesiaProbe.DbNodes(List.of("ejabberd@10.0.0.1", "ejabberd@10.0.0.2")));
    List<String> argv = ran.get(0).argv();
    assertThat(argv)
        .containsExactly(
            "erl_call",
            "-h",
            argv.get(2),
            "-name",
            "ejabberd@10.0.0.2",
            "-a",
            "mnesia system_info [db_nodes]");
    // Its own client node name (not erl_call's default c17@<host>, shared by every erl_call).
    assertThat(argv.get(2))
        .matches("muster-ejabberd-" + ProcessHandle.current().pid() + "-[0-9a-f]{12}");
    assertThat(String.join(" ", ran.get(0).argv())).doesNotContain(cookie.reveal());
    assertThat(seenCookie).containsExactly(cookie.reveal() + " r-------- rwx------");
    try (var left = Files.list(state.resolve("handoff"))) {
      assertThat(left).isEmpty();
    }
    probe(new ProcessResult(0, "[]", "")).dbNodes("ejabberd@10.0.0.2", cookie);
    assertThat(ran.get(1).argv().get(2)).as("the next call's name").isNotEqualTo(argv.get(2));
  }

  @Test
  void shortNamesForAHostWithoutADotAndNoAnswerOnFailure() throws Exception {
    MnesiaProbe.Answer a =
        probe(new ProcessResult(1, "", "erl_call: failed to connect to node ejabberd@n2"))
            .dbNodes("ejabberd@n2", cookie);

    assertThat(ran.get(0).argv()).contains("-sname");
    assertThat(a).isInstanceOf(MnesiaProbe.NoAnswer.class);
    assertThat(((MnesiaProbe.NoAnswer) a).detail()).contains("failed to connect");
  }

  @Test
  void asksTheSchemaCookieAndKeepsItWithoutWhitespace() throws Exception {
    MnesiaProbe.Answer a =
        probe(
                new ProcessResult(
                    0, "{{1796455164214235097, -576460752303423455, 1}, s318a@vm}\n", ""))
            .schemaCookie("ejabberd@10.0.0.2", cookie);

    assertThat(a)
        .isEqualTo(
            new MnesiaProbe.SchemaCookie("{{1796455164214235097,-576460752303423455,1},s318a@vm}"));
    assertThat(ran.get(0).argv())
        .containsExactly(
            "erl_call",
            "-h",
            ran.get(0).argv().get(2),
            "-name",
            "ejabberd@10.0.0.2",
            "-a",
            "mnesia table_info [schema, cookie]");
    assertThat(seenCookie).containsExactly(cookie.reveal() + " r-------- rwx------");
  }

  @Test
  void aCallThatFailsOnTheNodeIsFailedNotAnAnswer() throws Exception {
    // What erl_call printed (exit 0) against a node whose Mnesia was not started.
    ProcessResult badrpc =
        new ProcessResult(0, "{badrpc, {'EXIT', {aborted, {no_exists, schema, cookie}}}}", "");

    assertThat(probe(badrpc).schemaCookie("ejabberd@n2", cookie))
        .isEqualTo(
            new MnesiaProbe.Failed("{badrpc, {'EXIT', {aborted, {no_exists, schema, cookie}}}}"));
    assertThat(probe(badrpc).dbNodes("ejabberd@n2", cookie)).isInstanceOf(MnesiaProbe.Failed.class);
    assertThat(ErlCallMnesia.parseCookie("ok")).isInstanceOf(MnesiaProbe.Failed.class);
    assertThat(ErlCallMnesia.parseCookie("{{17, -5, 1}, 'ejabberd@10.0.0.1'}"))
        .isEqualTo(ErlCallMnesia.parseCookie("{{17,-5,1},ejabberd@10.0.0.1}\n"));
  }
}
