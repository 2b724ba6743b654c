package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.model.Peer;
import io.muster.process.ProcessRunner.ProcessResult;
import io.muster.process.RecordingProcessRunner;
import io.muster.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyFollowerTest {
  private static final String CONFIG =
      """
      global
          stats socket /run/haproxy/admin.sock level admin expose-fd listeners

      backend app
          balance roundrobin
          # BEGIN muster servers
          # END muster servers
      """;

  @TempDir Path dir;
  private Path cfg;
  private FakeHaproxy haproxy;
  private ManualClock time;
  private RecordingProcessRunner processes;

  @BeforeEach
  void setUp() throws Exception {
    cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, CONFIG);
    haproxy = new FakeHaproxy("app", cfg);
    time = new ManualClock();
    processes = new RecordingProcessRunner();
  }

  private HaproxyFollower follower(String options, boolean withMaster) {
    HaproxySettings s =
        new HaproxySettings(
            "app",
            8080,
            options,
            Path.of("/run/haproxy/admin.sock"),
            withMaster ? Path.of("/run/haproxy-master.sock") : null,
            cfg,
            cfg,
            Duration.ofSeconds(30),
            List.of("haproxy", "-c", "-f", cfg.toString()));
    return new HaproxyFollower(
        s, haproxy.runtime(), withMaster ? haproxy.master() : null, processes, time, time::sleep);
  }

  private static Peer peer(String address, String id) {
    return Peer.of(address).withInstanceId(id);
  }

  @Test
  void addsANewMemberThroughTheRuntimeApiAndTheFile() throws Exception {
    follower("check inter 2s", true).membersChanged(List.of(peer("10.0.0.5", "i-0abc")));

    assertThat(haproxy.commands)
        .containsExactly(
            "show servers state app",
            "add server app/i-0abc 10.0.0.5:8080 check inter 2s",
            "enable health app/i-0abc",
            "enable server app/i-0abc");
    assertThat(haproxy.masterCommands).isEmpty();
    assertThat(Files.readString(cfg))
        .contains(
            "    # BEGIN muster servers\n"
                + "    server i-0abc 10.0.0.5:8080 check inter 2s\n"
                + "    # END muster servers\n");
    assertThat(processes.argvs())
        .containsExactly(
            List.of("haproxy", "-c", "-f", dir.resolve(".haproxy.cfg.muster-new").toString()));
  }

  @Test
  void withoutChecksNoHealthIsEnabled() throws Exception {
    follower("", true).membersChanged(List.of(Peer.of("10.0.0.5")));

    assertThat(haproxy.commands)
        .containsExactly(
            "show servers state app",
            "add server app/10-0-0-5 10.0.0.5:8080",
            "enable server app/10-0-0-5");
  }

  @Test
  void removalDrainsUntilSessionsEndThenDeletes() throws Exception {
    haproxy.configured("i-old", "10.0.0.9", 8080).sessions = 3;
    // Each poll interval one session ends.
    time.onSleep(() -> haproxy.servers.get("i-old").sessions--);

    follower("", true).membersChanged(List.of());

    assertThat(haproxy.commands)
        .containsExactly(
            "show servers state app",
            "set server app/i-old state drain",
            "show stat app 4 -1",
            "show stat app 4 -1",
            "show stat app 4 -1",
            "show stat app 4 -1",
            "set server app/i-old state maint",
            "del server app/i-old");
    assertThat(time.slept()).isEqualTo(HaproxyFollower.DRAIN_POLL.multipliedBy(3));
    assertThat(haproxy.servers).isEmpty();
  }

  @Test
  void sessionsOutlivingTheDrainTimeoutAreCut() throws Exception {
    haproxy.configured("i-old", "10.0.0.9", 8080).sessions = 5;

    follower("", true).membersChanged(List.of());

    assertThat(time.slept()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(haproxy.commands)
        .containsSubsequence(
            "set server app/i-old state drain",
            "shutdown sessions server app/i-old",
            "set server app/i-old state maint",
            "del server app/i-old");
    assertThat(haproxy.servers).isEmpty();
  }

  @Test
  void deletionWaitsForIdleConnectionsToClose() throws Exception {
    haproxy.configured("i-old", "10.0.0.9", 8080).idleHolds = 2;

    follower("", true).membersChanged(List.of());

    assertThat(haproxy.commands.stream().filter(c -> c.startsWith("del server"))).hasSize(3);
    assertThat(haproxy.servers).isEmpty();
  }

  @Test
  void serversThatNeverLetGoStayInMaintAndTheErrorSaysSo() throws Exception {
    haproxy.configured("i-old", "10.0.0.9", 8080).idleHolds = Integer.MAX_VALUE;

    assertThatThrownBy(() -> follower("", true).membersChanged(List.of()))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("app/i-old")
        .hasMessageContaining("stays in maintenance")
        .satisfies(e -> assertThat(((AdapterException) e).retryable()).isTrue());
    assertThat(haproxy.servers.get("i-old").admin).isEqualTo(RunningServer.FORCED_MAINT);
  }

  @Test
  void severalRemovalsShareOneDrain() throws Exception {
    haproxy.configured("a", "10.0.0.1", 8080).sessions = 1;
    haproxy.configured("b", "10.0.0.2", 8080).sessions = 1;
    time.onSleep(() -> haproxy.servers.values().forEach(s -> s.sessions = 0));

    follower("", true).membersChanged(List.of());

    assertThat(haproxy.commands)
        .containsExactly(
            "show servers state app",
            "set server app/a state drain",
            "set server app/b state drain",
            "show stat app 4 -1",
            "show stat app 4 -1",
            "set server app/a state maint",
            "del server app/a",
            "set server app/b state maint",
            "del server app/b");
  }

  @Test
  void anUnchangedMembershipSendsOnlyTheStateQuery() throws Exception {
    HaproxyFollower f = follower("check", true);
    List<Peer> members = List.of(peer("10.0.0.5", "i-1"), peer("10.0.0.6", "i-2"));
    f.membersChanged(members);
    haproxy.commands.clear();
    processes.clear();

    f.membersChanged(members);

    assertThat(haproxy.commands).containsExactly("show servers state app");
    assertThat(processes.argvs()).as("no check when the file does not change").isEmpty();
  }

  @Test
  void anEndpointChangeDrainsTheServerWhileAnotherServes() throws Exception {
    haproxy.configured("i-1", "10.0.0.5", 8080).sessions = 1;
    haproxy.configured("i-2", "10.0.0.6", 8080);
    time.onSleep(() -> haproxy.servers.get("i-1").sessions = 0);
    Peer moved = new Peer(Peer.of("10.0.0.7").address(), null, "i-1", null, null, Map.of(), 9090);

    follower("check", true).membersChanged(List.of(moved, peer("10.0.0.6", "i-2")));

    assertThat(haproxy.commands)
        .containsExactly(
            "show servers state app",
            "set server app/i-1 state drain",
            "show stat app 4 -1",
            "show stat app 4 -1",
            "set server app/i-1 state maint",
            "set server app/i-1 addr 10.0.0.7 port 9090",
            "enable health app/i-1",
            "set server app/i-1 state ready");
    assertThat(haproxy.endpoints())
        .containsExactly(Map.entry("i-1", "10.0.0.7:9090"), Map.entry("i-2", "10.0.0.6:8080"));
    assertThat(haproxy.servers.get("i-1").admin).isZero();
  }

  @Test
  void aLoneServerMovesInPlace() throws Exception {
    haproxy.configured("i-1", "10.0.0.5", 8080);
    Peer moved = new Peer(Peer.of("10.0.0.7").address(), null, "i-1", null, null, Map.of(), 9090);

    follower("", true).membersChanged(List.of(moved));

    assertThat(haproxy.commands)
        .containsExactly("show servers state app", "set server app/i-1 addr 10.0.0.7 port 9090");
    assertThat(haproxy.endpoints()).containsExactly(Map.entry("i-1", "10.0.0.7:9090"));
  }

  @Test
  void aMemberLeftInMaintIsEnabledAgain() throws Exception {
    haproxy.configured("i-1", "10.0.0.5", 8080).admin = RunningServer.FORCED_MAINT;

    follower("check", true).membersChanged(List.of(peer("10.0.0.5", "i-1")));

    assertThat(haproxy.commands)
        .containsExactly(
            "show servers state app", "enable health app/i-1", "set server app/i-1 state ready");
  }

  @Test
  void aRejectedConfigurationChangesNothingAndQuotesHaproxy() throws Exception {
    haproxy.configured("i-1", "10.0.0.5", 8080);
    processes.otherwise(
        c ->
            new ProcessResult(
                1,
                "",
                "[NOTICE]   (1) : haproxy version is 2.6.12\n"
                    + "[ALERT]    (1) : config : ["
                    + c.argv().get(3)
                    + ":7] : 'server app/i-2' : unexpected character 'b' in 'agent-inter'"
                    + " argument of server i-2..\n"
                    + "[ALERT]    (1) : config : Fatal errors found in configuration.\n"));

    assertThatThrownBy(
            () ->
                follower("check inter banana", true)
                    .membersChanged(List.of(peer("10.0.0.5", "i-1"), peer("10.0.0.6", "i-2"))))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("HAProxy rejects the new server list for " + cfg)
        .hasMessageContaining("`haproxy -c -f " + dir.resolve(".haproxy.cfg.muster-new") + "`")
        .hasMessageContaining("[" + cfg + ":7] : 'server app/i-2' : unexpected character 'b'")
        .hasMessageNotContaining("NOTICE")
        .hasMessageContaining(cfg + " is unchanged")
        .hasMessageContaining("adapter.haproxy.server-options");
    assertThat(Files.readString(cfg)).isEqualTo(CONFIG);
    assertThat(haproxy.commands).isEmpty();
    assertThat(haproxy.masterCommands).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(cfg);
    }
  }

  @Test
  void changedOptionsOfStayingServersReloadThroughTheMaster() throws Exception {
    follower("check inter 2s", true).membersChanged(List.of(peer("10.0.0.5", "i-1")));
    haproxy.commands.clear();

    follower("check inter 5s", true).membersChanged(List.of(peer("10.0.0.5", "i-1")));

    assertThat(haproxy.masterCommands).containsExactly("show proc", "reload", "show proc");
    assertThat(haproxy.reloads).isEqualTo(1);
    assertThat(haproxy.commands).containsExactly("show servers state app");
    assertThat(Files.readString(cfg)).contains("server i-1 10.0.0.5:8080 check inter 5s\n");
  }

  @Test
  void withoutAMasterSocketChangedOptionsWaitForTheNextReload() throws Exception {
    follower("check inter 2s", false).membersChanged(List.of(peer("10.0.0.5", "i-1")));

    follower("check inter 5s", false).membersChanged(List.of(peer("10.0.0.5", "i-1")));

    assertThat(haproxy.masterCommands).isEmpty();
    assertThat(Files.readString(cfg)).contains("server i-1 10.0.0.5:8080 check inter 5s\n");
  }

  @Test
  void aNewServerListAloneNeverReloads() throws Exception {
    follower("check", true).membersChanged(List.of(peer("10.0.0.5", "i-1")));
    follower("check", true)
        .membersChanged(List.of(peer("10.0.0.6", "i-2"), peer("10.0.0.7", "i-3")));

    assertThat(haproxy.masterCommands).isEmpty();
    assertThat(haproxy.endpoints().keySet()).containsExactly("i-2", "i-3");
  }

  @Test
  void firstCallRepairsServersLostInAReload() throws Exception {
    // The file lists i-1 and i-2, but HAProxy restarted from an older file and runs only i-1.
    follower("", true).membersChanged(List.of(peer("10.0.0.5", "i-1"), peer("10.0.0.6", "i-2")));
    haproxy.servers.remove("i-2");
    haproxy.commands.clear();

    follower("", true).membersChanged(List.of(peer("10.0.0.5", "i-1"), peer("10.0.0.6", "i-2")));

    assertThat(haproxy.commands)
        .containsExactly(
            "show servers state app", "add server app/i-2 10.0.0.6:8080", "enable server app/i-2");
  }

  @Test
  void anUnreachableRuntimeApiIsRetryableAndNamesTheSocket() throws Exception {
    haproxy.down = true;

    assertThatThrownBy(() -> follower("", true).membersChanged(List.of(Peer.of("10.0.0.5"))))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("cannot reach the HAProxy Runtime API at HAProxy CLI")
        .hasMessageContaining("level admin")
        .satisfies(e -> assertThat(((AdapterException) e).retryable()).isTrue());
    // The file is already right, so a HAProxy that starts later gets the servers.
    assertThat(Files.readString(cfg)).contains("server 10-0-0-5 10.0.0.5:8080");
  }

  @Test
  void aRefusedAddQuotesHaproxy() throws Exception {
    haproxy.commands.clear();
    RuntimeApi refusing =
        c ->
            c.startsWith("add server")
                ? "Backend must use a dynamic load balancing.\n"
                : haproxy.runtime().execute(c);
    HaproxySettings s =
        HaproxySettings.from(
            io.muster.config.Settings.empty()
                .with(HaproxyProvider.BACKEND, "app")
                .with(HaproxyProvider.SERVER_PORT, "80")
                .with(HaproxyProvider.MAIN_CONFIG, cfg.toString()));
    HaproxyFollower f = new HaproxyFollower(s, refusing, null, processes, time, time::sleep);

    assertThatThrownBy(() -> f.membersChanged(List.of(Peer.of("10.0.0.5"))))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("HAProxy refused `add server app/10-0-0-5 10.0.0.5:80`")
        .hasMessageContaining("\"Backend must use a dynamic load balancing.\"")
        .hasMessageContaining("roundrobin");
  }
}
