package io.muster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketPermission;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guard every test JVM runs under: it refuses connections to anything but loopback and open
 * test networks on every JDK path muster and the AWS SDK use (Socket, NIO, HttpURLConnection, the
 * JDK HttpClient, UDP), before a packet leaves, naming the address and port.
 */
@SuppressWarnings("removal") // the SecurityManager: the guard's mechanism until Java 24
class NetworkGuardTest {

  @AfterEach
  void noRefusalLeftOver() {
    assertThat(NetworkGuard.takeRefusals()).as("refusals the test did not expect").isEmpty();
  }

  @Test
  void everyTestJvmRunsUnderTheGuard() {
    assertThat(NetworkGuard.isInstalled())
        .as("installed by NetworkGuardSession, with -Djava.security.manager=allow from the pom")
        .isTrue();
    assertThat(System.getProperty("aws.ec2MetadataServiceEndpoint"))
        .as("the AWS SDK's own instance-metadata lookups go where the guard refuses them by name")
        .isEqualTo("http://" + TestDestinations.SDK_METADATA_ADDRESS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"169.254.169.254", "10.0.0.1"})
  void aPlainSocketToAnAddressOffTheMachineIsRefused(String address) {
    Throwable t =
        catchThrowable(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, 80), 200);
              }
            });
    assertRefused(t, address + ":80");
  }

  @Test
  void everyJdkConnectPathIsGuarded() throws Exception {
    refused(
        "NIO",
        () -> {
          try (SocketChannel c = SocketChannel.open()) {
            c.connect(new InetSocketAddress("10.0.0.1", 80));
          }
        },
        "10.0.0.1:80");
    refused(
        "HttpURLConnection (the SDK's url-connection client, its IMDS credentials)",
        () -> new URL("http://169.254.169.254/latest/api/token").openConnection().connect(),
        "169.254.169.254:80");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    refused(
        "java.net.http (muster's ImdsClient)",
        () ->
            http.send(
                HttpRequest.newBuilder(URI.create("http://169.254.169.254/latest/meta-data/"))
                    .build(),
                HttpResponse.BodyHandlers.discarding()),
        "169.254.169.254:80");
    refused(
        "UDP (JNDI DNS)",
        () -> {
          try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(new byte[1], 1, InetAddress.getByName("10.0.0.2"), 53));
          }
        },
        "10.0.0.2:53");
  }

  private static void refused(String path, Executable connect, String destination) {
    Throwable t = catchThrowable(connect::execute);
    assertThat(t).as(path + " must fail").isNotNull();
    List<NetworkGuard.Refusal> refusals = NetworkGuard.takeRefusals();
    assertThat(refusals)
        .as(path + " must be refused by the guard, not by the network: " + t)
        .extracting(NetworkGuard.Refusal::destination)
        .contains(destination);
  }

  @Test
  void loopbackIsAllowed() throws Exception {
    for (String address : List.of("127.0.0.1", "127.0.0.2")) {
      try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(address));
          Socket client = new Socket()) {
        client.connect(new InetSocketAddress(address, server.getLocalPort()), 2000);
        try (Socket accepted = server.accept();
            OutputStream out = client.getOutputStream();
            InputStream in = accepted.getInputStream()) {
          out.write(42);
          assertThat(in.read()).as(address).isEqualTo(42);
        }
      }
    }
    assertThat(TestDestinations.refusal("::1")).isNull();
    assertThat(TestDestinations.refusal("0:0:0:0:0:0:0:1")).isNull();
    assertThat(TestDestinations.refusal("127.255.0.9")).isNull();
  }

  @Test
  void theSdksOwnMetadataAddressIsRefusedWithTheReason() {
    Throwable t =
        catchThrowable(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(TestDestinations.SDK_METADATA_ADDRESS, 80), 200);
              }
            });
    assertRefused(t, TestDestinations.SDK_METADATA_ADDRESS + ":80");
    assertThat(t).hasMessageContaining("ignores node.imds-endpoint");
  }

  @Test
  void permissionChecksByNameAreGuardedToo() {
    SecurityManager guard = System.getSecurityManager();
    assertThatThrownBy(
            () -> guard.checkPermission(new SocketPermission("[2001:db8::1]:443", "connect")))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("[2001:db8::1]:443");
    assertThatThrownBy(
            () ->
                guard.checkPermission(
                    new SocketPermission("169.254.169.254:80", "connect,resolve")))
        .hasMessageContaining("169.254.169.254:80");
    assertThat(NetworkGuard.takeRefusals()).hasSize(2);
    guard.checkPermission(new SocketPermission("localhost:80", "connect,resolve"));
    guard.checkPermission(new SocketPermission("10.0.0.1:80", "accept,resolve"));
    guard.checkPermission(new RuntimePermission("setIO"));
  }

  @Test
  void anOpenTestNetworksSubnetIsReachableUntilItCloses() {
    assertThat(TestDestinations.refusal("10.99.250.1")).isNotNull();
    TestDestinations.open("10.99.250");
    try {
      assertThat(TestDestinations.refusal("10.99.250.1")).isNull();
      assertThat(TestDestinations.refusal("10.99.251.1")).contains("[10.99.250]");
    } finally {
      TestDestinations.close("10.99.250");
    }
    assertThat(TestDestinations.refusal("10.99.250.1")).contains("(none open)");
  }

  @Test
  void aRefusalTheCodeUnderTestSwallowedStillFailsTheTest() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("169.254.169.254", 80), 200);
    } catch (Exception swallowed) {
      // What a retry loop or the SDK's credentials chain does with it.
    }
    assertThatThrownBy(() -> new NetworkGuardExtension().afterEach(null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("refused 1 connection during this test")
        .hasMessageContaining("169.254.169.254:80 from thread " + Thread.currentThread().getName())
        .hasRootCauseInstanceOf(SecurityException.class);
    new NetworkGuardExtension().afterEach(null); // taken: nothing left to fail the next test
  }

  /**
   * CI runs the tests as root: a test that left state.dir at its default created
   * /var/lib/muster/handoff, and the package test, which compares the machine before and after
   * installing and purging the package, failed on it much later.
   */
  @Test
  void aWriteUnderThePackagesStateDirectoryIsRefusedAndFailsTheTest() throws Exception {
    Path state = PackageStatePaths.STATE_DIR;
    boolean existed = Files.exists(state);
    Path handoff = state.resolve("handoff-guard-test-" + ProcessHandle.current().pid());
    try {
      assertThatThrownBy(() -> Files.createDirectories(handoff))
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("refused a write to " + handoff)
          .hasMessageContaining("give the code under test a state.dir");
      assertThat(handoff).doesNotExist();
      assertThat(Files.exists(state)).as("created by the refused write").isEqualTo(existed);
      assertThatThrownBy(() -> new NetworkGuardExtension().afterEach(null))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("refused 1 write under the package's state directory during")
          .hasRootCauseInstanceOf(SecurityException.class);
      new NetworkGuardExtension().afterEach(null); // taken
    } finally {
      // Only if the guard failed: put the machine back as it was.
      Files.deleteIfExists(handoff);
      if (!existed) {
        Files.deleteIfExists(state);
      }
    }
    // Elsewhere, and relative names (under the build directory), are allowed.
    assertThat(PackageStatePaths.refusal("/var/lib/musterx/a")).isNull();
    assertThat(PackageStatePaths.refusal("target/x")).isNull();
    assertThat(PackageStatePaths.refusal("/var/lib/../lib/muster/handoff")).isNotNull();
  }

  private static void assertRefused(Throwable t, String destination) {
    assertThat(t)
        .isInstanceOf(SecurityException.class)
        .hasMessageStartingWith("test network guard refused a connection to " + destination);
    assertThat(NetworkGuard.takeRefusals())
        .extracting(NetworkGuard.Refusal::destination)
        .containsExactly(destination);
  }
}
