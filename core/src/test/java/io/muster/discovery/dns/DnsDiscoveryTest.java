package io.muster.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsDiscoveryTest {
  private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.2", 53);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** Answers from a table; records every query; fails the queries it is told to. */
  private static final class FakeDnsClient implements DnsClient {
    final Map<String, List<String>> records = new HashMap<>();
    final Map<String, DnsQueryException> failures = new HashMap<>();
    final List<String> asked = new ArrayList<>();

    FakeDnsClient answer(String name, String type, String... data) {
      records.put(name + "/" + type, List.of(data));
      return this;
    }

    @Override
    public List<String> query(
        List<InetSocketAddress> servers, String name, String type, Duration timeout)
        throws DnsQueryException {
      asked.add(servers + " " + name + " " + type + " " + timeout.toMillis());
      DnsQueryException failure = failures.get(name + "/" + type);
      if (failure != null) {
        throw failure;
      }
      return records.getOrDefault(name + "/" + type, List.of());
    }
  }

  private final FakeDnsClient dns = new FakeDnsClient();

  private DnsDiscovery discovery(String name, DnsSettings.Type type) {
    return new DnsDiscovery(
        new DnsSettings(name, type, SERVER, TIMEOUT), NameServers.fixed(SERVER), dns);
  }

  @Test
  void aTypeGivesOnePeerPerAddressOfBothFamiliesWithoutHostname() throws Exception {
    dns.answer("web.example", "A", "10.0.0.7", "10.0.0.5")
        .answer("web.example", "AAAA", "fd00:0:0:0:0:0:0:9");
    List<Peer> peers = discovery("web.example", DnsSettings.Type.A).discover();
    assertThat(peers)
        .containsExactlyInAnyOrder(Peer.of("10.0.0.7"), Peer.of("10.0.0.5"), Peer.of("fd00::9"));
    assertThat(peers).allSatisfy(p -> assertThat(p.hostname()).isNull());
    assertThat(dns.asked)
        .containsExactly(
            "[/10.0.0.2:53] web.example A 2000", "[/10.0.0.2:53] web.example AAAA 2000");
  }

  @Test
  void srvTypeResolvesEachTargetThroughTheSameServerWithItsPort() throws Exception {
    dns.answer("_xmpp._tcp.example", "SRV", "0 10 5222 n1.example.", "0 10 5223 n2.example.")
        .answer("n1.example", "A", "10.0.0.1")
        .answer("n2.example", "A", "10.0.0.2")
        .answer("n2.example", "AAAA", "fd00::2");
    List<Peer> peers = discovery("_xmpp._tcp.example", DnsSettings.Type.SRV).discover();
    assertThat(peers)
        .containsExactlyInAnyOrder(
            new Peer(Peer.of("10.0.0.1").address(), "n1.example", null, null, null, Map.of(), 5222),
            new Peer(Peer.of("10.0.0.2").address(), "n2.example", null, null, null, Map.of(), 5223),
            new Peer(Peer.of("fd00::2").address(), "n2.example", null, null, null, Map.of(), 5223));
    assertThat(dns.asked).allSatisfy(q -> assertThat(q).startsWith("[/10.0.0.2:53] "));
    assertThat(dns.asked).hasSize(5);
  }

  @Test
  void srvTargetWithoutAddressesAndNoServiceTargetAreLeftOut() throws Exception {
    dns.answer("_s._tcp.example", "SRV", "0 0 0 .", "0 10 1 gone.example.", "0 10 2 n1.example.")
        .answer("n1.example", "A", "10.0.0.1");
    assertThat(discovery("_s._tcp.example", DnsSettings.Type.SRV).discover())
        .containsExactly(
            new Peer(Peer.of("10.0.0.1").address(), "n1.example", null, null, null, Map.of(), 2));
  }

  @Test
  void repeatedSrvRowsGiveOnePeer() throws Exception {
    dns.answer("_s._tcp.example", "SRV", "0 10 2 n1.example.", "1 5 2 n1.example.")
        .answer("n1.example", "A", "10.0.0.1");
    assertThat(discovery("_s._tcp.example", DnsSettings.Type.SRV).discover()).hasSize(1);
  }

  @Test
  void missingNameIsAnEmptyViewAndDescribeSaysWhatWasAsked() throws Exception {
    DnsDiscovery d = discovery("nothing.example", DnsSettings.Type.A);
    assertThat(d.discover()).isEmpty();
    assertThat(d.describe()).isEqualTo("DNS A/AAAA of nothing.example via 10.0.0.2:53");
    assertThat(discovery("_x._tcp.example", DnsSettings.Type.SRV).describe())
        .isEqualTo("DNS SRV of _x._tcp.example via 10.0.0.2:53");
  }

  @Test
  void timeoutNamesTypeNameServerTimeoutAndKeys() {
    dns.failures.put(
        "web.example/A",
        new DnsQueryException(DnsQueryException.Reason.TIMEOUT, "no answer", null));
    assertThatThrownBy(() -> discovery("web.example", DnsSettings.Type.A).discover())
        .isInstanceOf(DiscoveryException.class)
        .hasMessageStartingWith(
            "DNS A query for web.example to 10.0.0.2:53 failed: no answer within 2s"
                + " (discovery.dns.timeout, per server).")
        .hasMessageContaining("discovery.dns.server");
  }

  @Test
  void failureOfATargetLookupNamesTheTarget() {
    dns.answer("_s._tcp.example", "SRV", "0 10 2 n1.example.");
    dns.failures.put(
        "n1.example/AAAA",
        new DnsQueryException(
            DnsQueryException.Reason.SERVER_FAILURE, "DNS server failure [response code 2]", null));
    assertThatThrownBy(() -> discovery("_s._tcp.example", DnsSettings.Type.SRV).discover())
        .isInstanceOf(DiscoveryException.class)
        .hasMessageStartingWith(
            "DNS AAAA query for n1.example to 10.0.0.2:53 failed: DNS server failure [response"
                + " code 2]. The server could not get an answer");
  }

  @Test
  void refusedAndUnreachableSayWhatToDo() {
    dns.failures.put(
        "a.example/A",
        new DnsQueryException(DnsQueryException.Reason.REFUSED, "DNS service refused", null));
    dns.failures.put(
        "b.example/A",
        new DnsQueryException(DnsQueryException.Reason.UNREACHABLE, "port unreachable", null));
    assertThatThrownBy(() -> discovery("a.example", DnsSettings.Type.A).discover())
        .hasMessageContaining("will not recurse")
        .hasMessageContaining("discovery.dns.server");
    assertThatThrownBy(() -> discovery("b.example", DnsSettings.Type.A).discover())
        .hasMessageContaining("No DNS server listens at that address and port");
  }

  /**
   * dnsmasq serving --addn-hosts without --local answers A and refuses AAAA (issue "Fail before
   * acting" §7): every discovery failed, telling the operator to find a recursive resolver.
   */
  @Test
  void aRefusedAaaaQueryNextToAnAnsweredAQueryUsesTheAnswer() throws Exception {
    dns.answer("web.example", "A", "10.0.0.7", "10.0.0.5");
    dns.failures.put(
        "web.example/AAAA",
        new DnsQueryException(DnsQueryException.Reason.REFUSED, "DNS service refused", null));

    assertThat(discovery("web.example", DnsSettings.Type.A).discover())
        .containsExactlyInAnyOrder(Peer.of("10.0.0.7"), Peer.of("10.0.0.5"));
  }

  @Test
  void bothQueriesRefusedIsStillAnErrorNamingTheQuery() {
    for (String type : new String[] {"A", "AAAA"}) {
      dns.failures.put(
          "web.example/" + type,
          new DnsQueryException(DnsQueryException.Reason.REFUSED, "DNS service refused", null));
    }
    assertThatThrownBy(() -> discovery("web.example", DnsSettings.Type.A).discover())
        .hasMessageStartingWith("DNS A query for web.example");
  }

  @Test
  void malformedRecordDataIsAnErrorNamingIt() {
    dns.answer("web.example", "A", "not-an-ip");
    assertThatThrownBy(() -> discovery("web.example", DnsSettings.Type.A).discover())
        .isInstanceOf(DiscoveryException.class)
        .hasMessage("DNS A record of web.example holds 'not-an-ip', not an address");
    dns.answer("_s._tcp.example", "SRV", "0 10 n1.example.");
    assertThatThrownBy(() -> discovery("_s._tcp.example", DnsSettings.Type.SRV).discover())
        .isInstanceOf(DiscoveryException.class)
        .hasMessageContaining("SRV record of _s._tcp.example is malformed");
  }

  @Test
  void serversAreAskedForAnewOnEveryPass() throws Exception {
    List<List<InetSocketAddress>> lists =
        new ArrayList<>(
            List.of(
                List.of(new InetSocketAddress("10.0.0.2", 53)),
                List.of(new InetSocketAddress("10.0.0.3", 53))));
    NameServers changing =
        new NameServers() {
          @Override
          public List<InetSocketAddress> current() {
            return lists.remove(0);
          }

          @Override
          public String describe() {
            return "changing";
          }
        };
    DnsDiscovery d =
        new DnsDiscovery(
            new DnsSettings("web.example", DnsSettings.Type.A, null, TIMEOUT), changing, dns);
    d.discover();
    d.discover();
    assertThat(dns.asked)
        .containsExactly(
            "[/10.0.0.2:53] web.example A 2000",
            "[/10.0.0.2:53] web.example AAAA 2000",
            "[/10.0.0.3:53] web.example A 2000",
            "[/10.0.0.3:53] web.example AAAA 2000");
  }
}
