package io.muster.adapter.haproxy;

import com.sun.net.httpserver.HttpServer;
import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Backend HTTP servers for the integration tests, one per loopback address 127.0.0.2..N+1 on one
 * shared port (so that names derived from addresses differ), each answering with its own id and
 * logging when every request arrived. One extra endpoint of the last backend listens on a second
 * port, to exercise an address change ({@code set server ... addr ... port ...}).
 */
final class Backends implements AutoCloseable {
  static {
    // The JDK server writes headers and body separately; with Nagle on, a reused connection then
    // waits for HAProxy's delayed ACK (~40 ms) on every response. Real servers set TCP_NODELAY.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** One listening endpoint and its arrival log. */
  static final class Endpoint {
    final String id;
    final String address;
    final int port;
    private long[] arrivals = new long[1024];
    private int count;
    HttpServer server;
    ExecutorService pool;

    Endpoint(String id, String address, int port) {
      this.id = id;
      this.address = address;
      this.port = port;
    }

    synchronized void arrived(long nanos) {
      if (count == arrivals.length) {
        arrivals = Arrays.copyOf(arrivals, count * 2);
      }
      arrivals[count++] = nanos;
    }

    synchronized int count() {
      return count;
    }

    /** The earliest arrival after {@code nanos}, or -1. */
    synchronized long firstAfter(long nanos) {
      long best = -1;
      for (int i = count - 1; i >= 0; i--) {
        if (arrivals[i] > nanos && (best < 0 || arrivals[i] < best)) {
          best = arrivals[i];
        }
      }
      return best;
    }

    /** How many requests arrived after {@code nanos}. */
    synchronized int countAfter(long nanos) {
      int n = 0;
      for (int i = 0; i < count; i++) {
        if (arrivals[i] > nanos) {
          n++;
        }
      }
      return n;
    }

    @Override
    public String toString() {
      return id + "@" + address + ":" + port;
    }
  }

  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
  final int port;
  final int altPort;

  private Backends(int port, int altPort) {
    this.port = port;
    this.altPort = altPort;
  }

  /** Starts {@code n} backends b1..bn on 127.0.0.2.., plus bn's second endpoint "bn-alt". */
  static Backends start(int n) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      Backends b = new Backends(HaproxyProcess.freePort(), HaproxyProcess.freePort());
      try {
        for (int i = 1; i <= n; i++) {
          b.listen("b" + i, "127.0.0." + (i + 1), b.port);
        }
        b.listen("b" + n + "-alt", "127.0.0." + (n + 1), b.altPort);
        return b;
      } catch (IOException e) {
        // Another process took the port on one of the addresses: try another one.
        last = e;
        b.close();
      }
    }
    throw last;
  }

  private void listen(String key, String address, int port) throws IOException {
    String id = key.replace("-alt", "");
    Endpoint e = new Endpoint(id, address, port);
    e.server = HttpServer.create(new InetSocketAddress(IpLiteral.parse(address), port), 64);
    byte[] body = id.getBytes(StandardCharsets.UTF_8);
    e.server.createContext(
        "/",
        x -> {
          e.arrived(System.nanoTime());
          x.getRequestBody().readAllBytes();
          x.sendResponseHeaders(200, body.length);
          try (OutputStream os = x.getResponseBody()) {
            os.write(body);
          }
        });
    e.pool = Executors.newFixedThreadPool(4);
    e.server.setExecutor(e.pool);
    e.server.start();
    endpoints.put(key, e);
  }

  Endpoint endpoint(String key) {
    Endpoint e = endpoints.get(key);
    if (e == null) {
      throw new IllegalArgumentException("no endpoint " + key);
    }
    return e;
  }

  /**
   * The member for an endpoint key. b1, b2 and the last backend carry instance ids (servers named
   * i-b1...), the others none (servers named after the address, 127-0-0-4); the alt endpoint is the
   * same instance on another port, as an SRV record would announce it.
   */
  Peer peer(String key) {
    Endpoint e = endpoint(key);
    boolean alt = key.endsWith("-alt");
    boolean withId = Set.of("b1", "b2").contains(e.id) || e.id.equals(lastId()) || alt;
    return new Peer(
        IpLiteral.parse(e.address),
        null,
        withId ? "i-" + e.id : null,
        null,
        null,
        Map.of(),
        alt ? e.port : 0);
  }

  List<Peer> peers(List<String> keys) {
    List<Peer> out = new ArrayList<>();
    keys.forEach(k -> out.add(peer(k)));
    return out;
  }

  private String lastId() {
    return "b" + (endpoints.size() - 1);
  }

  @Override
  public void close() {
    for (Endpoint e : endpoints.values()) {
      if (e.server != null) {
        e.server.stop(0);
      }
      if (e.pool != null) {
        e.pool.shutdownNow();
      }
    }
  }
}
