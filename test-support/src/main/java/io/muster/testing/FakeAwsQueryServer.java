package io.muster.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP endpoint that speaks the AWS Query protocol as EC2 and Auto Scaling do: the SDK
 * POSTs a form-encoded body ({@code Action}, {@code Version}, parameters) to {@code /} and gets XML
 * back. Point {@code AwsClients} at {@link #endpoint()}; requests are routed by {@code Version}
 * (which service) and {@code Action} to handlers registered with {@link #on}, and every request is
 * recorded so tests can assert what was actually sent. Unsigned requests are refused with 403, as
 * AWS does. See {@link FakeEc2} and {@link FakeAutoScaling} for ready-made handlers.
 *
 * <pre>
 * try (FakeAwsQueryServer aws = FakeAwsQueryServer.start()) {
 *   FakeEc2 ec2 = new FakeEc2(aws);
 *   ec2.add(...);
 *   new AwsClients("eu-west-1", aws.endpoint(), Duration.ofSeconds(5))...
 * }
 * </pre>
 */
public final class FakeAwsQueryServer implements AutoCloseable {
  static {
    // Without it the JDK's server waits ~40 ms on delayed ACK per loopback call, which makes
    // tests that step virtual time through many real calls needlessly slow (TEST-ENV.md). Read
    // when the first server starts in this JVM, so set here, before any.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** The Query-protocol services this fake can route, by their API version. */
  public enum Service {
    EC2("2016-11-15", "http://ec2.amazonaws.com/doc/2016-11-15/"),
    AUTO_SCALING("2011-01-01", "http://autoscaling.amazonaws.com/doc/2011-01-01/");

    public final String version;
    public final String namespace;

    Service(String version, String namespace) {
      this.version = version;
      this.namespace = namespace;
    }

    static Service byVersion(String v) {
      for (Service s : values()) {
        if (s.version.equals(v)) {
          return s;
        }
      }
      return null;
    }
  }

  /**
   * One received request.
   *
   * @param service routed by the Version parameter
   * @param action the Action parameter
   * @param params every form parameter, in the order sent
   * @param authorization the Authorization header (SigV4), or null
   * @param securityToken the X-Amz-Security-Token header (temporary credentials), or null
   */
  public record Request(
      Service service,
      String action,
      Map<String, String> params,
      String authorization,
      String securityToken) {

    public String param(String name) {
      return params.get(name);
    }

    /** Values of {@code PREFIX1}, {@code PREFIX2}, ... in index order, e.g. "InstanceId.". */
    public List<String> indexed(String prefix) {
      Map<Integer, String> byIndex = new TreeMap<>();
      params.forEach(
          (k, v) -> {
            if (k.startsWith(prefix) && k.substring(prefix.length()).matches("\\d+")) {
              byIndex.put(Integer.parseInt(k.substring(prefix.length())), v);
            }
          });
      return new ArrayList<>(byIndex.values());
    }

    /** EC2 filters: {@code Filter.N.Name} to its {@code Filter.N.Value.M} values, in N order. */
    public Map<String, List<String>> filters() {
      Map<Integer, String> names = new TreeMap<>();
      params.forEach(
          (k, v) -> {
            if (k.matches("Filter\\.\\d+\\.Name")) {
              names.put(Integer.parseInt(k.split("\\.")[1]), v);
            }
          });
      Map<String, List<String>> out = new LinkedHashMap<>();
      names.forEach((n, name) -> out.put(name, indexed("Filter." + n + ".Value.")));
      return out;
    }

    /** Parameters that define the query, i.e. all but the page token: for token checks. */
    public Map<String, String> withoutToken() {
      Map<String, String> m = new TreeMap<>(params);
      m.remove("NextToken");
      return m;
    }
  }

  /** An HTTP status and XML body. */
  public record Reply(int status, String xml) {}

  /** Answers one action. */
  @FunctionalInterface
  public interface Handler {
    Reply handle(Request request);
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger requestIds = new AtomicInteger();

  private FakeAwsQueryServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts on 127.0.0.1 and an ephemeral port. */
  public static FakeAwsQueryServer start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    ExecutorService executor = Executors.newFixedThreadPool(4);
    FakeAwsQueryServer fake = new FakeAwsQueryServer(server, executor);
    server.createContext("/", fake::serve);
    server.setExecutor(executor);
    server.start();
    return fake;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Routes {@code action} of {@code service} to {@code handler}, replacing any earlier one. */
  public void on(Service service, String action, Handler handler) {
    handlers.put(service.version + "/" + action, handler);
  }

  /** Every request received so far, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests for one action. */
  public List<Request> requests(String action) {
    return requests.stream().filter(r -> action.equals(r.action())).toList();
  }

  public void clearRequests() {
    requests.clear();
  }

  /** A fresh request id, as AWS puts in every reply. */
  public String requestId() {
    return String.format("00000000-0000-4000-8000-%012d", requestIds.incrementAndGet());
  }

  /** EC2's error shape: {@code <Response><Errors><Error><Code>..}. */
  public Reply ec2Error(int status, String code, String message) {
    return new Reply(
        status,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>"
            + xml(code)
            + "</Code><Message>"
            + xml(message)
            + "</Message></Error></Errors><RequestID>"
            + requestId()
            + "</RequestID></Response>");
  }

  /** The Query error shape of Auto Scaling (and IAM, STS, SNS...): {@code <ErrorResponse>}. */
  public Reply queryError(Service service, int status, String type, String code, String message) {
    return new Reply(
        status,
        "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\""
            + service.namespace
            + "\"><Error><Type>"
            + xml(type)
            + "</Type><Code>"
            + xml(code)
            + "</Code><Message>"
            + xml(message)
            + "</Message></Error><RequestId>"
            + requestId()
            + "</RequestId></ErrorResponse>");
  }

  /** The error shape of {@code service}. */
  public Reply error(Service service, int status, String code, String message) {
    return service == Service.EC2
        ? ec2Error(status, code, message)
        : queryError(service, status, status >= 500 ? "Receiver" : "Sender", code, message);
  }

  /** Escapes text for an XML element. */
  public static String xml(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      Reply reply = route(ex);
      byte[] body = reply.xml().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
      ex.getResponseHeaders().set("x-amzn-RequestId", requestId());
      ex.sendResponseHeaders(reply.status(), body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private Reply route(HttpExchange ex) throws IOException {
    if (!"POST".equals(ex.getRequestMethod())) {
      return ec2Error(400, "InvalidAction", "Query requests are POSTed here");
    }
    Map<String, String> params;
    try (InputStream in = ex.getRequestBody()) {
      params = parseForm(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Service service = Service.byVersion(params.get("Version"));
    String action = params.get("Action");
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    String token = ex.getRequestHeaders().getFirst("X-Amz-Security-Token");
    Request request =
        new Request(service, action, Collections.unmodifiableMap(params), auth, token);
    requests.add(request);
    if (service == null) {
      return ec2Error(400, "InvalidParameterValue", "unknown Version " + params.get("Version"));
    }
    if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
      return error(
          service, 403, "MissingAuthenticationToken", "Request is missing Authentication Token");
    }
    Handler h = handlers.get(service.version + "/" + action);
    if (h == null) {
      return error(
          service,
          400,
          "InvalidAction",
          "The action " + action + " is not valid for this web service.");
    }
    return h.handle(request);
  }

  /** application/x-www-form-urlencoded -> ordered map. */
  static Map<String, String> parseForm(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return out;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
