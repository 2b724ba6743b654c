package io.muster.election;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.model.Peer;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class AddressOrderTest {

  @Provide
  Arbitrary<InetAddress> addresses() {
    Arbitrary<InetAddress> v4 =
        Arbitraries.bytes().array(byte[].class).ofSize(4).map(AddressOrderTest::address);
    Arbitrary<InetAddress> v6 =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofSize(16)
            .map(AddressOrderTest::address)
            .filter(a -> !(a instanceof Inet4Address));
    return Arbitraries.oneOf(v4, v6);
  }

  @Property
  void seedIsTheNumericMinimumWhateverTheInputOrder(
      @ForAll("addressLists") List<InetAddress> addrs, @ForAll long shuffleSeed) {
    List<Peer> peers = new ArrayList<>(addrs.stream().map(Peer::of).toList());
    Collections.shuffle(peers, new Random(shuffleSeed));

    InetAddress expected = addrs.stream().min(AddressOrderTest::numeric).orElseThrow();
    assertThat(Election.seed(peers).address()).isEqualTo(expected);

    List<Peer> reshuffled = new ArrayList<>(peers);
    Collections.shuffle(reshuffled, new Random(shuffleSeed + 1));
    assertThat(Election.rank(reshuffled)).isEqualTo(Election.rank(peers));
  }

  @Property
  void rankIsSortedNumericallyAndHasNoDuplicates(@ForAll("addressLists") List<InetAddress> addrs) {
    List<Peer> ranked = Election.rank(addrs.stream().map(Peer::of).toList());
    for (int i = 1; i < ranked.size(); i++) {
      assertThat(numeric(ranked.get(i - 1).address(), ranked.get(i).address())).isNegative();
    }
    assertThat(ranked).hasSize((int) addrs.stream().distinct().count());
  }

  @Provide
  Arbitrary<List<InetAddress>> addressLists() {
    return addresses().list().ofMinSize(1).ofMaxSize(40);
  }

  @Property
  void everyIpv4SortsBeforeEveryIpv6(@ForAll @Size(4) byte[] v4, @ForAll @Size(16) byte[] v6) {
    InetAddress a = address(v4);
    InetAddress b = address(v6);
    if (b instanceof Inet4Address) {
      return; // an IPv4-mapped IPv6 literal collapses to IPv4 in the JDK
    }
    assertThat(AddressOrder.INSTANCE.compare(a, b)).isNegative();
    assertThat(AddressOrder.INSTANCE.compare(b, a)).isPositive();
  }

  @net.jqwik.api.Example
  void numericNotStringOrder() {
    assertThat(
            Election.seed(List.of(Peer.of("10.0.0.10"), Peer.of("10.0.0.9"), Peer.of("10.0.1.1")))
                .addressText())
        .isEqualTo("10.0.0.9");
    assertThat(Election.seed(List.of(Peer.of("9.255.255.255"), Peer.of("10.0.0.0"))).addressText())
        .isEqualTo("9.255.255.255");
    assertThat(Election.seed(List.of(Peer.of("fd00::1"), Peer.of("192.168.0.1"))).addressText())
        .isEqualTo("192.168.0.1");
  }

  /** Reference order, written independently: family, then unsigned big-integer value. */
  static int numeric(InetAddress a, InetAddress b) {
    int fa = a.getAddress().length;
    int fb = b.getAddress().length;
    if (fa != fb) {
      return Integer.compare(fa, fb);
    }
    return new BigInteger(1, a.getAddress()).compareTo(new BigInteger(1, b.getAddress()));
  }

  static InetAddress address(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
