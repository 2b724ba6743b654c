package io.muster.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import javax.naming.CommunicationException;
import javax.naming.NamingException;
import javax.naming.OperationNotSupportedException;
import javax.naming.ServiceUnavailableException;
import org.junit.jupiter.api.Test;

class JndiDnsClientTest {
  @Test
  void providerUrlListsEveryServerInOrderWithIpv6InBrackets() {
    assertThat(
            JndiDnsClient.providerUrl(
                List.of(
                    new InetSocketAddress("127.0.0.1", 5353),
                    new InetSocketAddress("fd00::2", 53))))
        .isEqualTo("dns://127.0.0.1:5353/ dns://[fd00:0:0:0:0:0:0:2]:53/");
  }

  @Test
  void twoTriesTogetherTakeTheConfiguredTimeout() {
    // JNDI waits initial, then 2 * initial.
    assertThat(JndiDnsClient.initialTimeoutMillis(Duration.ofSeconds(3))).isEqualTo(1000);
    assertThat(JndiDnsClient.initialTimeoutMillis(Duration.ofMillis(300))).isEqualTo(100);
  }

  @Test
  void timeoutIsClassified() {
    assertThat(reason(communication(new SocketTimeoutException())))
        .isEqualTo(DnsQueryException.Reason.TIMEOUT);
  }

  @Test
  void portUnreachableIsClassified() {
    assertThat(reason(communication(new PortUnreachableException())))
        .isEqualTo(DnsQueryException.Reason.UNREACHABLE);
  }

  @Test
  void refusedAndServerFailureAreClassifiedWithJndiText() {
    DnsQueryException refused =
        JndiDnsClient.classify(
            new OperationNotSupportedException("DNS service refused [response code 5]"));
    assertThat(refused.reason()).isEqualTo(DnsQueryException.Reason.REFUSED);
    assertThat(refused).hasMessage("DNS service refused [response code 5]");
    DnsQueryException servfail =
        JndiDnsClient.classify(
            new ServiceUnavailableException("DNS server failure [response code 2]"));
    assertThat(servfail.reason()).isEqualTo(DnsQueryException.Reason.SERVER_FAILURE);
  }

  @Test
  void anythingElseKeepsJndiTextAndRootCause() {
    DnsQueryException e = JndiDnsClient.classify(communication(new java.io.IOException("boom")));
    assertThat(e.reason()).isEqualTo(DnsQueryException.Reason.OTHER);
    assertThat(e).hasMessage("DNS error: java.io.IOException: boom");
  }

  private static NamingException communication(Throwable root) {
    NamingException e = new CommunicationException("DNS error");
    e.setRootCause(root);
    return e;
  }

  private static DnsQueryException.Reason reason(NamingException e) {
    return JndiDnsClient.classify(e).reason();
  }
}
