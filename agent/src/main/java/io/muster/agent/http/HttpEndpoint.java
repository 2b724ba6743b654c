package io.muster.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.muster.agent.logging.LogEvent;
import io.muster.agent.observe.AgentMetrics;
import io.muster.agent.observe.NodeStatus;
import io.muster.agent.observe.Readiness;
import io.muster.agent.runtime.Component;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agent.http-address}: {@code /livez}, {@code /readyz} ({@code ?verbose}), {@code /status}
 * and {@code /metrics} on the JDK's built-in HTTP server, one thread. Started first and stopped
 * last, so it answers (503, "leaving") while the agent leaves the cluster on shutdown, and the port
 * is closed once the agent has stopped. Only GET and HEAD; nothing here changes the node.
 */
public final class HttpEndpoint implements Component {
  private static final Logger LOG = LoggerFactory.getLogger("agent");

  static {
    // Without TCP_NODELAY every small response waits for the client's delayed ACK (~40 ms on
    // loopback). The JDK reads this property once, when its HTTP server first loads its settings,
    // so it is set before any server exists; an operator's own -D value wins.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final InetSocketAddress address;
  private final NodeStatus status;
  private final AgentMetrics metrics;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private HttpServer server;
  private ExecutorService executor;

  public HttpEndpoint(InetSocketAddress address, NodeStatus status, AgentMetrics metrics) {
    this.address = address;
    this.status = status;
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return "HTTP endpoint";
  }

  @Override
  public void start() throws IOException {
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new IOException(
          "cannot serve HTTP on "
              + HttpAddress.format(address)
              + " (agent.http-address): "
              + e.getMessage()
              + "; choose a free port, or set agent.http-address empty to serve none",
          e);
    }
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "muster-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    InetSocketAddress bound = boundAddress();
    LOG.atInfo()
        .addKeyValue("event", LogEvent.HTTP_LISTENING.kind())
        .addKeyValue("address", HttpAddress.format(bound))
        .log(
            "serving /livez, /readyz, /status and /metrics on http://" + HttpAddress.format(bound));
    if (!bound.getAddress().isLoopbackAddress()) {
      LOG.warn(
          "agent.http-address {} is not loopback: /status (membership, addresses) is served beyond"
              + " this host",
          HttpAddress.format(bound));
    }
  }

  /** The address the server is bound to (the real port when agent.http-address asked for 0). */
  public InetSocketAddress boundAddress() {
    return server.getAddress();
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain", "only GET and HEAD\n");
        return;
      }
      String query = ex.getRequestURI().getRawQuery();
      switch (ex.getRequestURI().getPath()) {
        case "/livez" -> livez(ex);
        case "/readyz" ->
            readyz(ex, query != null && query.matches("(.*&)?verbose(=[^&]*)?(&.*)?"));
        case "/status" ->
            send(ex, 200, "application/json", json.writeValueAsString(status.toJson(json)) + "\n");
        case "/metrics" -> metrics(ex);
        default ->
            send(ex, 404, "text/plain", "not found: try /livez, /readyz, /status, /metrics\n");
      }
    } catch (RuntimeException e) {
      LOG.debug("HTTP request failed", e);
      throw e;
    }
  }

  private void livez(HttpExchange ex) throws IOException {
    Optional<String> problem = status.liveness();
    send(ex, problem.isEmpty() ? 200 : 503, "text/plain", problem.orElse("ok") + "\n");
  }

  private void readyz(HttpExchange ex, boolean verbose) throws IOException {
    Readiness r = status.readiness();
    StringBuilder body = new StringBuilder();
    if (verbose) {
      for (Readiness.Check c : r.checks()) {
        body.append(c.ok() ? "[+] " : "[-] ").append(c.name()).append(": ").append(c.detail());
        body.append('\n');
      }
      body.append(r.ready() ? "ready\n" : "not ready: " + r.reason() + "\n");
    } else {
      body.append(r.ready() ? "ok: " : "not ready: ").append(r.reason()).append('\n');
    }
    send(ex, r.ready() ? 200 : 503, "text/plain", body.toString());
  }

  private void metrics(HttpExchange ex) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    metrics.writeText(out);
    send(ex, 200, metrics.contentType(), out.toByteArray());
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    String t = type.contains("charset") ? type : type + "; charset=utf-8";
    send(ex, code, t, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(code, head ? -1 : body.length);
    if (!head) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(body);
      }
    }
  }
}
