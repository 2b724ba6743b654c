package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Replies captured from HAProxy 2.6.12 (Debian 12). */
class RuntimeRepliesTest {
  @Test
  void serversState() {
    String reply =
        "1\n"
            + FakeHaproxy.STATE_HEADER
            + "\n"
            + "3 app 1 s1 127.0.0.1 0 0 1 1 3 8 2 0 6 0 0 0 - 18081 - 0 0 - - 0\n"
            + "3 app 2 i-0abc 127.0.0.1 2 0 1 1 0 1 0 2 6 0 0 0 - 18082 - 0 0 - - 0\n"
            + "3 app 3 n1 fd00::1 2 8 1 1 1 1 0 0 0 0 0 0 - 18083 - 0 0 - - 0\n"
            + "\n";

    assertThat(RuntimeReplies.serversState(reply))
        .containsExactly(
            new RunningServer("s1", "127.0.0.1", 18081, 0, 0),
            new RunningServer("i-0abc", "127.0.0.1", 18082, 0, 2),
            new RunningServer("n1", "fd00::1", 18083, 8, 2));
  }

  @Test
  void serversStateOfAnEmptyBackend() {
    assertThat(RuntimeReplies.serversState("1\n" + FakeHaproxy.STATE_HEADER + "\n\n")).isEmpty();
  }

  @Test
  void serversStateFindsColumnsByName() {
    String reply =
        "1\n# srv_port srv_name srv_addr srv_admin_state srv_op_state extra\n80 a 10.0.0.1 1 0 x\n";
    assertThat(RuntimeReplies.serversState(reply))
        .containsExactly(new RunningServer("a", "10.0.0.1", 80, 1, 0));
  }

  @Test
  void anErrorTextIsNotATable() {
    assertThatThrownBy(() -> RuntimeReplies.serversState("Can't find backend.\n"))
        .hasMessage("Can't find backend.");
  }

  @Test
  void sessionsAddCurrentAndQueued() {
    String reply =
        "# pxname,svname,qcur,qmax,scur,smax,slim,stot\n"
            + "app,s1,0,0,3,5,,10\n"
            + "app,n1,2,2,1,1,,4\n"
            + "app,BACKEND,2,2,4,6,,14\n"
            + "other,x,0,0,9,9,,9\n"
            + "\n";
    assertThat(RuntimeReplies.sessions(reply, "app"))
        .containsExactly(java.util.Map.entry("s1", 3), java.util.Map.entry("n1", 3));
  }

  @Test
  void sessionsOfAnUnknownProxy() {
    assertThatThrownBy(() -> RuntimeReplies.sessions("No such proxy.\n", "app"))
        .hasMessage("No such proxy.");
  }

  @Test
  void procAfterAFailedReload() {
    String reply =
        "#<PID>          <type>          <reloads>       <uptime>        <version>      \n"
            + "7289            master          2 [failed: 1]   0d00h00m10s     2.6.12-1+deb12u4\n"
            + "# workers\n"
            + "7518            worker          1               0d00h00m03s     2.6.12-1+deb12u4\n"
            + "# old workers\n"
            + "7290            worker          1               0d00h00m09s     2.6.12-1+deb12u4\n"
            + "# programs\n"
            + "\n";
    assertThat(RuntimeReplies.proc(reply))
        .isEqualTo(new RuntimeReplies.MasterStatus(2, 1, List.of(7518)));
  }

  @Test
  void procOfAFreshMaster() {
    String reply =
        "#<PID>          <type>          <reloads>       <uptime>        <version>      \n"
            + "7289            master          0 [failed: 0]   0d00h00m07s     2.6.12-1+deb12u4\n"
            + "# workers\n"
            + "7290            worker          0               0d00h00m07s     2.6.12-1+deb12u4\n"
            + "# programs\n\n";
    assertThat(RuntimeReplies.proc(reply))
        .isEqualTo(new RuntimeReplies.MasterStatus(0, 0, List.of(7290)));
  }

  @Test
  void procFromTheWrongSocket() {
    assertThatThrownBy(() -> RuntimeReplies.proc("Unknown command: 'show proc'\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
