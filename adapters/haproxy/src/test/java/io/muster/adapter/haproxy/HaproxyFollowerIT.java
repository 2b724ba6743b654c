package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.config.Settings;
import io.muster.plugin.PluginContext;
import io.muster.process.SystemProcessRunner;
import io.muster.time.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The follower against a real HAProxy 2.6 in master-worker mode and five real HTTP backends, under
 * continuous load. Methods run in order and share one HAProxy: each starts from the membership the
 * previous one left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaproxyFollowerIT {
  // HAProxy 2.6 gives runtime-added servers no idle-connection pool unless asked (pool-max-conn 0),
  // unlike servers read from the file: these options make both kinds alike (see the docs).
  static final String OPTIONS = "check inter 2s pool-max-conn -1 pool-purge-delay 5s";

  private Path dir;
  private Backends backends;
  private HaproxyProcess haproxy;
  private List<String> members = Steps.INITIAL;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("muster-haproxy-it");
    backends = Backends.start(5);
    haproxy = HaproxyProcess.start(dir, List.of());
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (haproxy != null) {
        haproxy.close();
      }
    } finally {
      if (backends != null) {
        backends.close();
      }
      deleteTree(dir);
    }
  }

  @Test
  @Order(1)
  void twentyStepsUnderLoadFailNoRequestAndShowWithinOneSecond() throws Exception {
    HaproxyFollower follower = follower(OPTIONS);
    // First call: the running HAProxy has no servers at all, the follower adds them.
    follower.membersChanged(backends.peers(members));
    assertThat(haproxy.runningServers()).containsExactly("i-b1", "i-b2");

    LoadGenerator load = LoadGenerator.start(haproxy.frontendPort(), 4, Duration.ofMinutes(3));
    List<Steps.Result> results;
    try {
      results =
          Steps.run(
              backends,
              keys -> follower.membersChanged(backends.peers(keys)),
              Duration.ofMillis(1500),
              Duration.ofSeconds(3));
    } finally {
      load.stop();
    }
    members = Steps.ALL.get(Steps.ALL.size() - 1);
    results.forEach(r -> System.out.println("[follower-it] " + r));

    assertThat(load.failures()).as("failed requests").isEmpty();
    assertThat(load.failed()).isZero();
    assertThat(load.succeeded()).isGreaterThan(1000);
    for (Steps.Result r : results) {
      assertThat(r.firstRequestMillis())
          .as("step %d: ms from the change to the first request on %s", r.step(), r.added())
          .allSatisfy(ms -> assertThat(ms).isBetween(0.0, 1000.0));
      assertThat(r.lateArrivals())
          .as("step %d: requests reaching removed %s later than 1 s", r.step(), r.removed())
          .allSatisfy(n -> assertThat(n).isZero());
    }
    assertThat(haproxy.runningServers()).containsExactly("127-0-0-5", "i-b1", "i-b5");
    assertThat(serverLines()).hasSize(3);
  }

  @Test
  @Order(2)
  void reloadAndRestartKeepTheServers() throws Exception {
    List<String> expected = List.of("127-0-0-5", "i-b1", "i-b5");
    new MasterCli(haproxy.master(), Clock.systemUTC(), Sleeper.SYSTEM)
        .reload(Duration.ofSeconds(30));
    haproxy.noteWorkers();
    assertThat(haproxy.runningServers()).as("after a reload").isEqualTo(expected);

    haproxy.restart();
    assertThat(haproxy.runningServers()).as("after a restart").isEqualTo(expected);
    assertThat(servedIds(60)).containsExactlyInAnyOrder("b1", "b4", "b5");

    // A new agent starting against that HAProxy finds nothing to do.
    List<String> sent = new ArrayList<>();
    HaproxyFollower fresh = follower(OPTIONS, recording(haproxy.runtime(), sent));
    String before = Files.readString(haproxy.config());
    fresh.membersChanged(backends.peers(members));
    assertThat(sent).containsExactly("show servers state app");
    assertThat(Files.readString(haproxy.config())).isEqualTo(before);
  }

  @Test
  @Order(3)
  void startRepairsAHaproxyThatLostRuntimeServers() throws Exception {
    // HAProxy restarted from an older file (a restored backup): only b1 is configured.
    String old = Files.readString(haproxy.config());
    String stale =
        old.lines()
            .filter(l -> !l.contains("server 127-0-0-5 "))
            .reduce("", (a, b) -> a + b + "\n");
    Files.writeString(haproxy.config(), stale);
    haproxy.restart();
    assertThat(haproxy.runningServers()).containsExactly("i-b1", "i-b5");

    LoadGenerator load = LoadGenerator.start(haproxy.frontendPort(), 2, Duration.ofMinutes(1));
    try {
      follower(OPTIONS).membersChanged(backends.peers(members));
      assertThat(haproxy.runningServers()).containsExactly("127-0-0-5", "i-b1", "i-b5");
      assertThat(Files.readString(haproxy.config())).isEqualTo(old);
      assertThat(servedIds(60)).containsExactlyInAnyOrder("b1", "b4", "b5");
    } finally {
      load.stop();
    }
    assertThat(load.failures()).isEmpty();
  }

  @Test
  @Order(4)
  void brokenServerOptionsAreRejectedAndTheOldConfigKeepsServing() throws Exception {
    String before = Files.readString(haproxy.config());
    List<String> running = haproxy.runningServers();
    LoadGenerator load = LoadGenerator.start(haproxy.frontendPort(), 2, Duration.ofMinutes(1));
    try {
      HaproxyFollower broken = follower("check inter banana");
      List<String> more = List.of("b1", "b2", "b4", "b5");
      assertThatThrownBy(() -> broken.membersChanged(backends.peers(more)))
          .isInstanceOf(AdapterException.class)
          .hasMessageContaining("HAProxy rejects the new server list for " + haproxy.config())
          .hasMessageContaining("haproxy -c -f")
          .hasMessageContaining("unexpected character 'b'")
          .hasMessageContaining("adapter.haproxy.server-options");
      Thread.sleep(300);
      assertThat(Files.readString(haproxy.config())).isEqualTo(before);
      assertThat(haproxy.runningServers()).isEqualTo(running);
      assertThat(servedIds(60)).containsExactlyInAnyOrder("b1", "b4", "b5");
    } finally {
      load.stop();
    }
    assertThat(load.failures()).isEmpty();
    assertThat(load.succeeded()).isPositive();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("muster"));
    }
  }

  @Test
  @Order(5)
  void changedOptionsReloadThroughTheMasterWithoutFailures() throws Exception {
    int reloads = RuntimeReplies.proc(haproxy.master().execute("show proc")).reloads();
    LoadGenerator load = LoadGenerator.start(haproxy.frontendPort(), 4, Duration.ofMinutes(1));
    try {
      follower(OPTIONS.replace("inter 2s", "inter 1s")).membersChanged(backends.peers(members));
      haproxy.noteWorkers();
      Thread.sleep(500);
    } finally {
      load.stop();
    }
    assertThat(RuntimeReplies.proc(haproxy.master().execute("show proc")).reloads())
        .isEqualTo(reloads + 1);
    assertThat(serverLines())
        .allSatisfy(
            l -> assertThat(l).endsWith(" check inter 1s pool-max-conn -1 pool-purge-delay 5s"));
    assertThat(haproxy.runningServers()).containsExactly("127-0-0-5", "i-b1", "i-b5");
    assertThat(load.failures()).isEmpty();
    assertThat(load.succeeded()).isPositive();
  }

  private HaproxyFollower follower(String options) {
    return follower(options, null);
  }

  /** Built the way the agent builds it: from settings, through the provider. */
  private HaproxyFollower follower(String options, RuntimeApi runtimeOverride) {
    Settings s =
        Settings.empty()
            .with(HaproxyProvider.BACKEND, HaproxyProcess.BACKEND)
            .with(HaproxyProvider.SERVER_PORT, String.valueOf(backends.port))
            .with(HaproxyProvider.SERVER_OPTIONS, options)
            .with(HaproxyProvider.RUNTIME_SOCKET, haproxy.runtimeSocket().toString())
            .with(HaproxyProvider.MASTER_SOCKET, haproxy.masterSocket().toString())
            .with(HaproxyProvider.MAIN_CONFIG, haproxy.config().toString())
            .with(HaproxyProvider.DRAIN_TIMEOUT, "10s");
    if (runtimeOverride == null) {
      return (HaproxyFollower)
          new HaproxyProvider()
              .create(
                  new PluginContext(
                      s,
                      () -> {
                        throw new IllegalStateException("the follower needs no node identity");
                      },
                      new SystemProcessRunner(),
                      Clock.systemUTC(),
                      Sleeper.SYSTEM));
    }
    return new HaproxyFollower(
        HaproxySettings.from(s),
        runtimeOverride,
        haproxy.master(),
        new SystemProcessRunner(),
        Clock.systemUTC(),
        Sleeper.SYSTEM);
  }

  private static RuntimeApi recording(RuntimeApi api, List<String> sent) {
    return command -> {
      sent.add(command);
      return api.execute(command);
    };
  }

  private List<String> serverLines() throws IOException {
    return Files.readAllLines(haproxy.config()).stream()
        .map(String::strip)
        .filter(l -> l.startsWith("server "))
        .toList();
  }

  /** The backend ids that answered {@code n} sequential requests through HAProxy. */
  private List<String> servedIds(int n) throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var req =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"))
            .timeout(Duration.ofSeconds(5))
            .build();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = client.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    return ids;
  }

  static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
