package io.muster.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private test network: one "switch" namespace holding a bridge, and N node namespaces each
 * joined to it by a veth pair, with addresses {@code <prefix24>.1..N/24}. Nothing is created in the
 * host's own namespace. Needs root and iproute2. While it is open, the {@link NetworkGuard} lets
 * this JVM connect to its subnet; but the JVM stays in the host namespace, which has no route into
 * the test network, so reach the nodes through {@link Node#nsenter()}. {@link #close()} deletes
 * every namespace (the veths go with them); stale namespaces with the same name prefix from a
 * crashed run are removed on create, and a shutdown hook removes them if the JVM dies before close.
 *
 * <pre>
 * try (TestNetwork net = TestNetwork.create("mej", "10.99.1", 3)) {
 *   net.node(0).exec("ip", "addr");       // runs inside mej-n1 via nsenter
 * }
 * </pre>
 */
public final class TestNetwork implements AutoCloseable {

  /** One node namespace. */
  public record Node(String name, String namespace, String address) {
    /** argv prefix that runs a command inside this node's namespace. */
    public List<String> nsenter() {
      return List.of("nsenter", "--net=/var/run/netns/" + namespace);
    }

    /** Runs a command in this namespace and returns stdout; fails on non-zero exit. */
    public String exec(String... argv) {
      List<String> full = new ArrayList<>(nsenter());
      full.addAll(List.of(argv));
      return run(full);
    }
  }

  private final String prefix;
  private final String subnet24;
  private final List<Node> nodes;
  private final Thread hook;

  private TestNetwork(String prefix, String subnet24, List<Node> nodes) {
    this.prefix = prefix;
    this.subnet24 = subnet24;
    this.nodes = List.copyOf(nodes);
    // The NetworkGuard lets this JVM reach the subnet while the network exists.
    TestDestinations.open(subnet24);
    this.hook = new Thread(() -> removeAll(prefix), "netns-cleanup-" + prefix);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * @param prefix short unique name prefix (max 6 chars), e.g. "mej"; namespaces are prefix-sw,
   *     prefix-n1..
   * @param subnet24 the first three octets, e.g. "10.99.1"
   */
  public static TestNetwork create(String prefix, String subnet24, int count) {
    if (prefix.length() > 6) {
      throw new IllegalArgumentException("prefix too long for interface names: " + prefix);
    }
    requireRoot();
    removeAll(prefix);
    String sw = prefix + "-sw";
    List<Node> nodes = new ArrayList<>();
    try {
      run(List.of("ip", "netns", "add", sw));
      inNs(sw, "ip", "link", "set", "lo", "up");
      inNs(sw, "ip", "link", "add", "br0", "type", "bridge");
      inNs(sw, "ip", "link", "set", "br0", "up");
      for (int i = 1; i <= count; i++) {
        String ns = prefix + "-n" + i;
        String addr = subnet24 + "." + i;
        run(List.of("ip", "netns", "add", ns));
        String outer = prefix + "s" + i;
        // Create the pair inside the switch namespace, then move one end into the node.
        inNs(sw, "ip", "link", "add", outer, "type", "veth", "peer", "name", "eth0");
        inNs(sw, "ip", "link", "set", "eth0", "netns", ns);
        inNs(sw, "ip", "link", "set", outer, "master", "br0");
        inNs(sw, "ip", "link", "set", outer, "up");
        inNs(ns, "ip", "link", "set", "lo", "up");
        inNs(ns, "ip", "addr", "add", addr + "/24", "dev", "eth0");
        inNs(ns, "ip", "link", "set", "eth0", "up");
        nodes.add(new Node("n" + i, ns, addr));
      }
      return new TestNetwork(prefix, subnet24, nodes);
    } catch (RuntimeException e) {
      removeAll(prefix);
      throw e;
    }
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Node node(int index) {
    return nodes.get(index);
  }

  @Override
  public void close() {
    TestDestinations.close(subnet24);
    removeAll(prefix);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // Already shutting down.
    }
  }

  /**
   * Deletes every namespace named prefix-*; processes still inside keep running, so stop them
   * first.
   */
  public static void removeAll(String prefix) {
    Path dir = Path.of("/var/run/netns");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var list = Files.list(dir)) {
      list.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(prefix + "-"))
          .forEach(n -> runQuietly(List.of("ip", "netns", "delete", n)));
    } catch (IOException ignored) {
      // Nothing to clean.
    }
  }

  private static void inNs(String ns, String... argv) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(argv));
    run(full);
  }

  static void requireRoot() {
    String uid = run(List.of("id", "-u")).trim();
    if (!uid.equals("0")) {
      throw new IllegalStateException(
          "this integration test needs root (network namespaces); run it as root, as CI does,"
              + " or skip integration tests with -DskipITs");
    }
  }

  /** Runs a command, returns stdout, throws with stderr on non-zero exit. */
  public static String run(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(false).start();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", argv));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", argv)
                + " exited "
                + p.exitValue()
                + ": "
                + new String(err, StandardCharsets.UTF_8).trim());
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not run " + argv.get(0) + " (install iproute2 / util-linux): " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void runQuietly(List<String> argv) {
    try {
      run(argv);
    } catch (RuntimeException ignored) {
      // Best-effort cleanup.
    }
  }
}
