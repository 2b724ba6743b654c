package io.muster.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server speaking the AWS JSON 1.1 protocol as the SDK sends it: POST, header
 * {@code X-Amz-Target: <Service>.<Action>}, {@code Content-Type: application/x-amz-json-1.1},
 * errors as HTTP 400 with {@code {"__type": ..., "message": ...}}. Subclasses implement the
 * actions. Every request is recorded; actions can be denied (AccessDeniedException) or throttled
 * (ThrottlingException).
 */
public abstract class FakeAwsJsonServer implements AutoCloseable {
  protected static final ObjectMapper JSON = new ObjectMapper();

  static {
    // Headers and body are written separately; without TCP_NODELAY each reply waits ~40 ms for
    // the client's delayed ACK. Read once when the JDK server's configuration is first loaded.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

  /** One request as received. */
  public record Call(String action, JsonNode body) {}

  /** An error reply. */
  protected static final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;
    final String type;
    final int status;

    public ApiError(String type, String message) {
      this(400, type, message);
    }

    public ApiError(int status, String type, String message) {
      super(message);
      this.type = type;
      this.status = status;
    }
  }

  private final String targetPrefix;
  private final String iamPrefix;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Set<String> denied = ConcurrentHashMap.newKeySet();
  private final Set<String> throttled = ConcurrentHashMap.newKeySet();

  /**
   * @param targetPrefix e.g. "AmazonSSM." or "secretsmanager."
   * @param iamPrefix e.g. "ssm" for denial messages
   */
  protected FakeAwsJsonServer(String targetPrefix, String iamPrefix) {
    this.targetPrefix = targetPrefix;
    this.iamPrefix = iamPrefix;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind a loopback port", e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** From now on, {@code action} (e.g. "PutParameter") answers AccessDeniedException. */
  public void deny(String action) {
    denied.add(action);
  }

  /** From now on, {@code action} answers ThrottlingException (the service's rate limit). */
  public void throttle(String action) {
    throttled.add(action);
  }

  public void allowAll() {
    denied.clear();
    throttled.clear();
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String action) {
    List<Call> out = new ArrayList<>();
    for (Call c : calls) {
      if (c.action().equals(action)) {
        out.add(c);
      }
    }
    return out;
  }

  public void clearCalls() {
    calls.clear();
  }

  /** Answers one action; returns the JSON reply body. */
  protected abstract JsonNode dispatch(String action, JsonNode body) throws ApiError;

  protected static ObjectNode object() {
    return JSON.createObjectNode();
  }

  protected static String text(JsonNode body, String field) throws ApiError {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual()) {
      throw new ApiError("ValidationException", "1 validation error: " + field + " is required");
    }
    return v.asText();
  }

  protected static boolean bool(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v != null && v.asBoolean(false);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] in;
      try (InputStream is = ex.getRequestBody()) {
        in = is.readAllBytes();
      }
      String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
      String ct = ex.getRequestHeaders().getFirst("Content-Type");
      if (!"POST".equals(ex.getRequestMethod())
          || target == null
          || !target.startsWith(targetPrefix)
          || ct == null
          || !ct.startsWith(CONTENT_TYPE)) {
        reply(
            ex,
            400,
            error(
                "UnknownOperationException",
                "expected POST with X-Amz-Target "
                    + targetPrefix
                    + "* and "
                    + CONTENT_TYPE
                    + ", got "
                    + ex.getRequestMethod()
                    + " "
                    + target
                    + " "
                    + ct));
        return;
      }
      String action = target.substring(targetPrefix.length());
      JsonNode body =
          in.length == 0 ? object() : JSON.readTree(new String(in, StandardCharsets.UTF_8));
      calls.add(new Call(action, body));
      if (denied.contains(action)) {
        reply(
            ex,
            400,
            error(
                "AccessDeniedException",
                "User: arn:aws:sts::123456789012:assumed-role/test/i-0 is not authorized to"
                    + " perform: "
                    + iamPrefix
                    + ":"
                    + action
                    + " because no identity-based policy allows the "
                    + iamPrefix
                    + ":"
                    + action
                    + " action"));
        return;
      }
      if (throttled.contains(action)) {
        reply(ex, 400, error("ThrottlingException", "Rate exceeded"));
        return;
      }
      try {
        reply(ex, 200, dispatch(action, body).toString());
      } catch (ApiError e) {
        reply(ex, e.status, error(e.type, e.getMessage()));
      } catch (RuntimeException e) {
        reply(ex, 500, error("InternalServerError", e.toString()));
      }
    }
  }

  private static String error(String type, String message) {
    return object().put("__type", type).put("message", message).toString();
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] out = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
