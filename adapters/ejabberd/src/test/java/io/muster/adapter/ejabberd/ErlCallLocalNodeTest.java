package io.muster.adapter.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.config.Settings;
import io.muster.credentials.Secret;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import io.muster.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ErlCallLocalNodeTest {
  @TempDir Path state;

  final Secret cookie = Secret.of("ClusterCookie0123456789abcdefABCDEF");
  final List<Command> ran = new ArrayList<>();
  final List<String> homeCookie = new ArrayList<>();

  ErlCallLocalNode node(ProcessResult answer) {
    ErlCall erlCall =
        new ErlCall(
            EjabberdSettings.from(Settings.empty()),
            c -> {
              ran.add(c);
              try {
                homeCookie.add(Files.readString(Path.of(c.env().get("HOME"), ".erlang.cookie")));
              } catch (java.io.IOException e) {
                throw new AssertionError(e);
              }
              return answer;
            },
            state.resolve("handoff"),
            new ManualClock(),
            LoggerFactory.getLogger(ErlCallLocalNodeTest.class));
    return new ErlCallLocalNode(erlCall, Path.of("/var/lib/ejabberd/.erlang.cookie"));
  }

  @Test
  void asksWhatStatusAndListClusterAskWithTheExpressionOnStdinAndTheCookieInAPrivateHome()
      throws Exception {
    LocalNode.State s =
        node(new ProcessResult(
                0,
                "{ok, {started, ['ejabberd@10.0.0.3'],"
                    + " ['ejabberd@10.0.0.1','ejabberd@10.0.0.3']}}",
                ""))
            .state("ejabberd@10.0.0.3", cookie);

    assertThat(s)
        .isEqualTo(
            new LocalNode.Started(
                List.of("ejabberd@10.0.0.3"), List.of("ejabberd@10.0.0.1", "ejabberd@10.0.0.3")));
    Command c = ran.get(0);
    // A client node name of its own (-h), not erl_call's default c17@<host> every call shares.
    assertThat(c.argv().subList(0, 2)).containsExactly("erl_call", "-h");
    assertThat(c.argv().get(2)).startsWith("muster-ejabberd");
    assertThat(c.argv().subList(3, c.argv().size()))
        .containsExactly("-name", "ejabberd@10.0.0.3", "-e");
    assertThat(c.stdin())
        .contains("application:which_applications()")
        .contains("ejabberd_cluster:get_nodes()")
        .endsWith(".\n");
    assertThat(homeCookie).containsExactly(cookie.reveal());
    assertThat(c.display() + c.stdin()).doesNotContain(cookie.reveal());
    try (var left = Files.list(state.resolve("handoff"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void startingDownAndFailuresAreToldApart() throws Exception {
    assertThat(node(new ProcessResult(0, "{ok, starting}", "")).state("ejabberd@n3", cookie))
        .isEqualTo(new LocalNode.Starting());
    assertThat(
            node(new ProcessResult(1, "", "erl_call: failed to connect to node ejabberd@n3"))
                .state("ejabberd@n3", cookie))
        .isInstanceOf(LocalNode.NoAnswer.class);
    assertThat(
            node(new ProcessResult(0, "{error, \"*** eval: {'EXIT',undef}\"}", ""))
                .state("ejabberd@n3", cookie))
        .isInstanceOf(LocalNode.NoAnswer.class);
    assertThat(ran.get(0).argv()).contains("-sname");
  }

  @Test
  void theNodeReadsTheNewCookieFromTheFileItselfSoNoCookieIsOnStdinOrArgv() throws Exception {
    ErlCallLocalNode n = node(new ProcessResult(0, "{ok, true}", ""));

    assertThat(n.adoptCookieFile("ejabberd@10.0.0.3", cookie)).isTrue();

    Command c = ran.get(0);
    assertThat(c.stdin())
        .isEqualTo(
            "{ok, Bin} = file:read_file(\"/var/lib/ejabberd/.erlang.cookie\"),"
                + " erlang:set_cookie(node(), binary_to_atom(string:trim(Bin))).\n");
    assertThat(homeCookie).containsExactly(cookie.reveal()); // the current one, to reach it
    assertThat(node(new ProcessResult(1, "", "refused")).adoptCookieFile("ejabberd@n3", cookie))
        .isFalse();
  }

  @Test
  void erlangStringsAreEscaped() {
    assertThat(ErlCall.erlangString("/a \"b\"\\c")).isEqualTo("\"/a \\\"b\\\"\\\\c\"");
  }
}
