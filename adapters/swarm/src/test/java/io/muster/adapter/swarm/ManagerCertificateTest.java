package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real TLS read of a manager's certificate, against a loopback TLS server (ephemeral port) that
 * presents a certificate shaped like a swarm manager's (made with the JDK's keytool).
 */
class ManagerCertificateTest {
  @TempDir Path dir;

  @Test
  void readsTheSwarmIdAndRoleFromTheCertificateOnTheManagementPort() throws Exception {
    try (SSLServerSocket server = server("CN=node1,OU=swarm-manager,O=swarmid42")) {
      Thread accept = acceptOnce(server);
      ManagerCertificate.Answer a =
          ManagerCertificate.tls(Duration.ofSeconds(10)).at("127.0.0.1", server.getLocalPort());
      accept.join(10_000);

      assertThat(a).isEqualTo(new ManagerCertificate.Swarm("swarmid42", "swarm-manager"));
    }
  }

  @Test
  void aCertificateThatIsNotASwarmNodesIsNoManager() throws Exception {
    try (SSLServerSocket server = server("CN=www.example,O=Example Ltd")) {
      Thread accept = acceptOnce(server);
      ManagerCertificate.Answer a =
          ManagerCertificate.tls(Duration.ofSeconds(10)).at("127.0.0.1", server.getLocalPort());
      accept.join(10_000);

      assertThat(a).isInstanceOf(ManagerCertificate.NoManager.class);
      assertThat(((ManagerCertificate.NoManager) a).why()).contains("not a swarm node's");
    }
  }

  @Test
  void aClosedPortIsNoManager() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ManagerCertificate.Answer a =
        ManagerCertificate.tls(Duration.ofSeconds(5)).at("127.0.0.1", port);

    assertThat(a).isInstanceOf(ManagerCertificate.NoManager.class);
    assertThat(((ManagerCertificate.NoManager) a).why()).contains("no swarm manager answers");
  }

  private SSLServerSocket server(String dname) throws Exception {
    Path store = dir.resolve("k" + System.nanoTime() + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    keytool,
                    "-genkeypair",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-alias",
                    "node",
                    "-dname",
                    dname,
                    "-validity",
                    "2",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    store.toString(),
                    "-storepass",
                    "changeit",
                    "-keypass",
                    "changeit"))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return (SSLServerSocket)
        ctx.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  private static Thread acceptOnce(SSLServerSocket server) {
    Thread t =
        new Thread(
            () -> {
              try (SSLSocket s = (SSLSocket) server.accept()) {
                s.setSoTimeout(10_000);
                s.startHandshake();
                s.getInputStream().read(); // until the client closes
              } catch (Exception ignored) {
                // the client closes right after the handshake
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }
}
