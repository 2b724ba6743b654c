package io.muster.adapter.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which swarm a manager at {@code host:port} belongs to, as its swarm management port (2377) shows
 * it: the TLS certificate every swarm manager presents there is issued by its swarm's CA with
 * subject {@code O=<swarm id>, OU=swarm-manager}. Only the certificate is read (no client
 * certificate, no request: swarmkit accepts handshakes without one, as a joining node's are); the
 * join itself then checks the swarm's CA against the join token.
 */
@FunctionalInterface
public interface ManagerCertificate {

  /** What the port answered. */
  sealed interface Answer {}

  /** A swarm manager of swarm {@code swarmId} ({@code role} is the certificate's OU). */
  record Swarm(String swarmId, String role) implements Answer {}

  /** No swarm manager answers there (nothing listens, or not a swarm certificate). */
  record NoManager(String why) implements Answer {}

  Answer at(String host, int port);

  /** The real TLS handshake, limited to {@code timeout} for connecting and for the handshake. */
  static ManagerCertificate tls(Duration timeout) {
    return (host, port) -> {
      int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      try {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new ReadOnly()}, null);
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket()) {
          s.connect(new InetSocketAddress(host, port), ms);
          s.setSoTimeout(ms);
          s.startHandshake();
          Certificate[] chain = s.getSession().getPeerCertificates();
          if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return new NoManager("no certificate on " + host + ":" + port);
          }
          Optional<String> org = NodeCertificate.subjectField(leaf, "O");
          Optional<String> unit = NodeCertificate.subjectField(leaf, "OU");
          if (org.isEmpty() || unit.filter(u -> u.startsWith("swarm-")).isEmpty()) {
            return new NoManager(
                host
                    + ":"
                    + port
                    + " presents a certificate that is not a swarm node's ("
                    + leaf.getSubjectX500Principal().getName()
                    + ")");
          }
          return new Swarm(org.get(), unit.get());
        }
      } catch (IOException e) {
        return new NoManager("no swarm manager answers on " + host + ":" + port + " (" + e + ")");
      } catch (GeneralSecurityException e) {
        return new NoManager("TLS with " + host + ":" + port + " failed (" + e + ")");
      }
    };
  }

  /**
   * Trusts any certificate: the handshake only reads which swarm the certificate names, nothing is
   * sent over it; trust in the swarm comes from the join token's CA digest at the join.
   */
  final class ReadOnly implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
