package io.muster.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import io.muster.plugin.Plugins;
import io.muster.plugin.TestContexts;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dns provider against a real DNS server: Debian's dnsmasq on 127.0.0.1 and ::1, on a free high
 * port, serving only its own records for example.test (anything else is REFUSED, as there is no
 * upstream). Every query goes over the wire through the JDK's JNDI DNS client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsDiscoveryIT {
  private static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");
  private static final int BIG = 40; // 40 A records do not fit 512 bytes: forces TCP fallback

  private static Path dir;
  private static Process dnsmasq;
  private static int port;

  @BeforeAll
  static void startDnsmasq() throws Exception {
    if (!Files.isExecutable(DNSMASQ)) {
      fail(DNSMASQ + " not found: this test needs dnsmasq (apt-get install dnsmasq-base)");
    }
    dir = Files.createTempDirectory("muster-dns-it");
    // The port is probed free, then bound by dnsmasq: another process may win the race, so retry.
    for (int attempt = 1; dnsmasq == null; attempt++) {
      port = freePort();
      Path log = dir.resolve("dnsmasq-" + attempt + ".log");
      Process p =
          new ProcessBuilder(dnsmasqArgv(port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (awaitAnswering(p)) {
        dnsmasq = p;
      } else {
        stop(p);
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (attempt >= 3 || !out.contains("Address already in use")) {
          fail("dnsmasq did not start on port " + port + ": " + out);
        }
      }
    }
  }

  @AfterAll
  static void stopDnsmasq() throws IOException, InterruptedException {
    try {
      if (dnsmasq != null) {
        stop(dnsmasq);
      }
    } finally {
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
    }
  }

  /**
   * {@code --no-daemon} (-d) keeps dnsmasq in the foreground as the calling user and writes no pid
   * file (so none is asked for; the Process handle is the pid); {@code --conf-file=/dev/null} keeps
   * a host's /etc/dnsmasq.conf out; {@code --local=/example.test/} answers NXDOMAIN for unknown
   * names there instead of REFUSED.
   */
  static List<String> dnsmasqArgv(int port) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                DNSMASQ.toString(),
                "--no-daemon",
                "--conf-file=/dev/null",
                "--no-resolv",
                "--no-hosts",
                "--bind-interfaces",
                "--listen-address=127.0.0.1",
                "--listen-address=::1",
                "--port=" + port,
                "--log-facility=-",
                "--log-queries",
                "--local=/example.test/",
                // A name with three A records and one AAAA.
                "--host-record=multi.example.test,127.0.10.1",
                "--host-record=multi.example.test,127.0.10.2",
                "--host-record=multi.example.test,127.0.10.3,fd00::10:4",
                // SRV with three targets on three ports; n3 has an AAAA too.
                "--host-record=n1.example.test,127.0.20.1",
                "--host-record=n2.example.test,127.0.20.2",
                "--host-record=n3.example.test,127.0.20.3,fd00::20:3",
                "--srv-host=_xmpp._tcp.example.test,n1.example.test,5222,0,10",
                "--srv-host=_xmpp._tcp.example.test,n2.example.test,5223,0,10",
                "--srv-host=_xmpp._tcp.example.test,n3.example.test,5224,10,10",
                // SRV whose one target has no address record at all.
                "--srv-host=_ghost._tcp.example.test,ghost.example.test,5222,0,10",
                "--srv-host=_ghost._tcp.example.test,n1.example.test,5222,0,10",
                // A name that exists (TXT) but has no A, AAAA or SRV record: NODATA.
                "--txt-record=empty.example.test,nothing here",
                // A CNAME to the multi-address name, as Route 53 / CoreDNS setups often have.
                "--cname=alias.example.test,multi.example.test"));
    IntStream.rangeClosed(1, BIG)
        .forEach(i -> argv.add("--host-record=big.example.test,127.0.30." + i));
    return argv;
  }

  @Test
  void aRecordsGiveOnePeerPerAddressOfBothFamilies() throws Exception {
    List<Peer> peers = discovery("multi.example.test", "a", "127.0.0.1:" + port).discover();
    assertThat(peers)
        .containsExactlyInAnyOrder(
            Peer.of("127.0.10.1"),
            Peer.of("127.0.10.2"),
            Peer.of("127.0.10.3"),
            Peer.of("fd00::10:4"));
  }

  @Test
  void srvRecordsGivePeersWithTargetNameAndPort() throws Exception {
    List<Peer> peers = discovery("_xmpp._tcp.example.test", "srv", "127.0.0.1:" + port).discover();
    assertThat(peers)
        .containsExactlyInAnyOrder(
            srvPeer("127.0.20.1", "n1.example.test", 5222),
            srvPeer("127.0.20.2", "n2.example.test", 5223),
            srvPeer("127.0.20.3", "n3.example.test", 5224),
            srvPeer("fd00::20:3", "n3.example.test", 5224));
  }

  @Test
  void srvTargetWithoutAddressIsLeftOut() throws Exception {
    assertThat(discovery("_ghost._tcp.example.test", "srv", "127.0.0.1:" + port).discover())
        .containsExactly(srvPeer("127.0.20.1", "n1.example.test", 5222));
  }

  @Test
  void unknownNameIsAnEmptyViewDescribedActionably() throws Exception {
    Discovery d = discovery("nope.example.test", "a", "127.0.0.1:" + port);
    assertThat(d.discover()).isEmpty();
    assertThat(d.describe()).isEqualTo("DNS A/AAAA of nope.example.test via 127.0.0.1:" + port);
    Discovery srv = discovery("_nope._tcp.example.test", "srv", "127.0.0.1:" + port);
    assertThat(srv.discover()).isEmpty();
    assertThat(srv.describe())
        .isEqualTo("DNS SRV of _nope._tcp.example.test via 127.0.0.1:" + port);
  }

  @Test
  void nameWithoutRecordsOfTheTypeIsAnEmptyView() throws Exception {
    assertThat(discovery("empty.example.test", "a", "127.0.0.1:" + port).discover()).isEmpty();
    assertThat(discovery("multi.example.test", "srv", "127.0.0.1:" + port).discover()).isEmpty();
  }

  @Test
  void cnameIsFollowedToTheAddresses() throws Exception {
    assertThat(discovery("alias.example.test", "a", "127.0.0.1:" + port).discover())
        .containsExactlyInAnyOrder(
            Peer.of("127.0.10.1"),
            Peer.of("127.0.10.2"),
            Peer.of("127.0.10.3"),
            Peer.of("fd00::10:4"));
  }

  @Test
  void answerTooBigForUdpIsFetchedOverTcp() throws Exception {
    List<Peer> expected =
        IntStream.rangeClosed(1, BIG).mapToObj(i -> Peer.of("127.0.30." + i)).toList();
    assertThat(discovery("big.example.test", "a", "127.0.0.1:" + port).discover())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void ipv6ServerAddressWorks() throws Exception {
    Discovery d = discovery("multi.example.test", "a", "[::1]:" + port);
    assertThat(d.discover()).hasSize(4);
    assertThat(d.describe()).endsWith(" via [::1]:" + port);
  }

  @Test
  void nameTheServerDoesNotServeIsRefusedWithAFix() {
    assertThatThrownBy(() -> discovery("web.other.invalid", "a", "127.0.0.1:" + port).discover())
        .isInstanceOf(DiscoveryException.class)
        .hasMessageStartingWith(
            "DNS A query for web.other.invalid to 127.0.0.1:"
                + port
                + " failed: DNS service refused [response code 5].")
        .hasMessageContaining("discovery.dns.server");
  }

  @Test
  void silentServerTimesOutNamingServerNameAndTimeout() throws Exception {
    // A bound UDP socket that nobody reads: queries arrive and are never answered.
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      String server = "127.0.0.1:" + silent.getLocalPort();
      Discovery d = discovery("multi.example.test", "a", server, "300ms");
      long start = System.nanoTime();
      assertThatThrownBy(d::discover)
          .isInstanceOf(DiscoveryException.class)
          .hasMessageStartingWith(
              "DNS A query for multi.example.test to "
                  + server
                  + " failed: no answer within 300ms (discovery.dns.timeout, per server).");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
    }
  }

  @Test
  void serverPortWithNothingListeningFailsFast() throws Exception {
    int closed;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Discovery d = discovery("multi.example.test", "a", "127.0.0.1:" + closed, "10s");
    long start = System.nanoTime();
    assertThatThrownBy(d::discover)
        .isInstanceOf(DiscoveryException.class)
        .hasMessageContaining("to 127.0.0.1:" + closed + " failed: port unreachable")
        .hasMessageContaining("No DNS server listens at that address and port");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void systemResolverListIsReadFromResolvConfOnEveryPass() throws Exception {
    Path conf = dir.resolve("resolv.conf");
    Files.writeString(conf, "search example.test\nnameserver 127.0.0.1\n");
    NameServers servers = NameServers.resolvConf(conf);
    assertThat(servers.current()).containsExactly(new InetSocketAddress("127.0.0.1", 53));
    assertThat(servers.describe())
        .isEqualTo("the system resolver (127.0.0.1:53 from " + conf + ")");
    Files.writeString(conf, "nameserver 10.0.0.2\nnameserver ::1\n");
    assertThat(servers.current())
        .containsExactly(new InetSocketAddress("10.0.0.2", 53), new InetSocketAddress("::1", 53));
    Files.writeString(conf, "search example.test\n");
    assertThatThrownBy(servers::current)
        .isInstanceOf(DiscoveryException.class)
        .hasMessageContaining("lists no usable nameserver line. Set discovery.dns.server");
    Files.delete(conf);
    assertThatThrownBy(servers::current)
        .isInstanceOf(DiscoveryException.class)
        .hasMessageStartingWith("cannot read the system resolver's configuration " + conf);
  }

  private static Discovery discovery(String name, String type, String server) {
    return discovery(name, type, server, "2s");
  }

  /** Through the ServiceLoader, as the agent does. */
  private static Discovery discovery(String name, String type, String server, String timeout) {
    Settings s =
        Settings.empty()
            .with(CoreKeys.DISCOVERY_PROVIDER, "dns")
            .with(DnsDiscoveryProvider.NAME, name)
            .with(DnsDiscoveryProvider.TYPE, type)
            .with(DnsDiscoveryProvider.SERVER, server)
            .with(DnsDiscoveryProvider.TIMEOUT, timeout);
    return Plugins.discovery().selected(s).create(TestContexts.withoutIdentity(s));
  }

  private static Peer srvPeer(String address, String host, int port) {
    return new Peer(Peer.of(address).address(), host, null, null, null, Map.of(), port);
  }

  /** A port free for UDP and TCP on both 127.0.0.1 and ::1 right now. */
  private static int freePort() throws IOException {
    for (int i = 0; i < 50; i++) {
      int candidate;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        candidate = s.getLocalPort();
      }
      if (bindable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free port for dnsmasq after 50 tries");
  }

  private static boolean bindable(int candidate) {
    for (String host : List.of("127.0.0.1", "::1")) {
      try (ServerSocket tcp = new ServerSocket(candidate, 1, InetAddress.getByName(host));
          DatagramSocket udp =
              new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), candidate))) {
        // Both bound: free on this address.
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /** True once dnsmasq answers a query for a name it serves; false if it exits or 10 s pass. */
  private static boolean awaitAnswering(Process p) throws InterruptedException {
    JndiDnsClient client = new JndiDnsClient();
    List<InetSocketAddress> server = List.of(new InetSocketAddress("127.0.0.1", port));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        return false;
      }
      try {
        if (!client.query(server, "n1.example.test", "A", Duration.ofMillis(300)).isEmpty()) {
          return true;
        }
      } catch (DnsQueryException notYet) {
        Thread.sleep(50); // integration test: waiting for a real daemon to bind
      }
    }
    return false;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy(); // SIGTERM: dnsmasq exits at once
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
