package io.muster.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback instance metadata service that enforces IMDSv2 as EC2 does with {@code
 * HttpTokens=required}: {@code PUT /latest/api/token} needs {@code
 * X-aws-ec2-metadata-token-ttl-seconds} (1..21600, else 400) and is refused (403) when it carries
 * {@code X-Forwarded-For}; every other request needs a valid {@code X-aws-ec2-metadata-token} (else
 * 401); a missing item is 404. Items are set with {@link #put}; everything is recorded.
 *
 * <p>{@link #instanceProfile} serves an instance profile's temporary credentials the way the AWS
 * SDK's instance-profile credentials provider reads them: the role name at {@code
 * iam/security-credentials/}, the credentials document at {@code iam/security-credentials/<role>}.
 */
public final class FakeImds implements AutoCloseable {
  static {
    // Without it the JDK's server waits ~40 ms on delayed ACK per loopback call, which makes
    // tests that step virtual time through many real calls needlessly slow (TEST-ENV.md). Read
    // when the first server starts in this JVM, so set here, before any.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  public static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
  public static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

  /** Where instance-profile credentials live, under {@code /latest/meta-data/}. */
  public static final String CREDENTIALS_PATH = "iam/security-credentials/";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Temporary credentials of an instance profile, as IMDS serves them.
   *
   * @param accessKeyId e.g. ASIA...; what a signed request names in its {@code Credential=}
   * @param secretAccessKey never printed
   * @param token sent by the SDK as {@code X-Amz-Security-Token}; never printed
   */
  public record RoleCredentials(String accessKeyId, String secretAccessKey, String token) {
    /** Fresh random secret and token for {@code accessKeyId}. */
    public static RoleCredentials random(String accessKeyId) {
      return new RoleCredentials(
          accessKeyId,
          UUID.randomUUID().toString().replace("-", ""),
          "IQoJb3JpZ2luX2Vj" + UUID.randomUUID().toString().replace("-", ""));
    }

    @Override
    public String toString() {
      return "RoleCredentials[accessKeyId=" + accessKeyId + ", secret and token redacted]";
    }
  }

  /** One received request: method, path and the headers muster cares about. */
  public record Call(String method, String path, String token, String ttl, String upgrade) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, String> items = new ConcurrentHashMap<>();
  private final Map<String, NavigableMap<Instant, String>> scheduled = new ConcurrentHashMap<>();
  private volatile Clock clock = Clock.systemUTC();
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile int tokenStatus = 200;
  private volatile boolean rejectAllTokens;

  private FakeImds(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static FakeImds start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    ExecutorService executor = Executors.newFixedThreadPool(2);
    FakeImds fake = new FakeImds(server, executor);
    server.createContext("/", fake::serve);
    server.setExecutor(executor);
    server.start();
    return fake;
  }

  /** A typical EC2 instance in an Auto Scaling group. */
  public FakeImds typicalInstance() {
    return put("instance-id", "i-0123456789abcdef0")
        .put("local-ipv4", "10.0.1.12")
        .put("local-hostname", "ip-10-0-1-12.eu-west-1.compute.internal")
        .put("placement/availability-zone", "eu-west-1b")
        .put("placement/region", "eu-west-1")
        .put("autoscaling/group-name", "web-prod");
  }

  /** The value of {@code /latest/meta-data/<path>}. */
  public FakeImds put(String path, String value) {
    scheduled.remove(path);
    items.put(path, value);
    return this;
  }

  /**
   * The value of {@code /latest/meta-data/<path>} from {@code from} on (by {@link #clock}); until
   * then the earlier value (or 404) is served. This is how metadata lags or leads another API: the
   * Auto Scaling fake mirrors its target state here with a lag.
   */
  public FakeImds putAt(String path, String value, Instant from) {
    scheduled.compute(
        path,
        (k, m) -> {
          NavigableMap<Instant, String> map = m == null ? new TreeMap<>() : new TreeMap<>(m);
          map.put(from, value);
          return map;
        });
    return this;
  }

  /** The clock {@link #putAt} times are read on (the system clock unless set). */
  public FakeImds clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** What {@code /latest/meta-data/<path>} serves now, or null (404). */
  public String value(String path) {
    NavigableMap<Instant, String> timed = scheduled.get(path);
    if (timed != null) {
      Map.Entry<Instant, String> e = timed.floorEntry(clock.instant());
      if (e != null) {
        return e.getValue();
      }
    }
    return items.get(path);
  }

  /**
   * Serves {@code credentials} as the instance profile role {@code role}, valid for six hours: the
   * role at {@code iam/security-credentials/}, the credentials document (JSON, as EC2 writes it) at
   * {@code iam/security-credentials/<role>}.
   */
  public FakeImds instanceProfile(String role, RoleCredentials credentials) {
    Instant now = Instant.now();
    ObjectNode doc = JSON.createObjectNode();
    doc.put("Code", "Success");
    doc.put("LastUpdated", now.truncatedTo(ChronoUnit.SECONDS).toString());
    doc.put("Type", "AWS-HMAC");
    doc.put("AccessKeyId", credentials.accessKeyId());
    doc.put("SecretAccessKey", credentials.secretAccessKey());
    doc.put("Token", credentials.token());
    doc.put("Expiration", now.plus(6, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString());
    return put(CREDENTIALS_PATH, role).put(CREDENTIALS_PATH + role, doc.toString());
  }

  public FakeImds remove(String path) {
    scheduled.remove(path);
    items.remove(path);
    return this;
  }

  /** Invalidates every token issued so far, as if they expired: the next GET gets 401. */
  public void revokeTokens() {
    tokens.clear();
  }

  /** From now on every GET is 401 whatever the token (a broken or hostile endpoint). */
  public void rejectAllTokens() {
    rejectAllTokens = true;
  }

  /** The status of token PUTs, e.g. 403 when IMDS is disabled for the instance. */
  public void tokenStatus(int status) {
    tokenStatus = status;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public long tokenPuts() {
    return calls.stream().filter(c -> c.method().equals("PUT")).count();
  }

  public long gets() {
    return calls.stream().filter(c -> c.method().equals("GET")).count();
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      String token = ex.getRequestHeaders().getFirst(TOKEN_HEADER);
      String ttl = ex.getRequestHeaders().getFirst(TTL_HEADER);
      calls.add(new Call(method, path, token, ttl, ex.getRequestHeaders().getFirst("Upgrade")));
      ex.getRequestBody().readAllBytes();
      if (path.equals("/latest/api/token")) {
        token(ex, method, ttl);
        return;
      }
      Instant expires = token == null ? null : tokens.get(token);
      if (rejectAllTokens || expires == null || Instant.now().isAfter(expires)) {
        reply(ex, 401, "");
        return;
      }
      if (!method.equals("GET")) {
        reply(ex, 405, "");
        return;
      }
      String prefix = "/latest/meta-data/";
      String value = path.startsWith(prefix) ? value(path.substring(prefix.length())) : null;
      if (value == null) {
        reply(
            ex,
            404,
            "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<html><head><title>404 - Not"
                + " Found</title></head><body><h1>404 - Not Found</h1></body></html>\n");
        return;
      }
      reply(ex, 200, value);
    }
  }

  private void token(HttpExchange ex, String method, String ttl) throws IOException {
    if (!method.equals("PUT")) {
      reply(ex, 405, "");
      return;
    }
    if (ex.getRequestHeaders().containsKey("X-Forwarded-For")) {
      reply(ex, 403, "");
      return;
    }
    int seconds;
    try {
      seconds = ttl == null ? -1 : Integer.parseInt(ttl.trim());
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (seconds < 1 || seconds > 21600) {
      reply(ex, 400, "");
      return;
    }
    if (tokenStatus != 200) {
      reply(ex, tokenStatus, "");
      return;
    }
    String t = "AQAEA" + UUID.randomUUID().toString().replace("-", "") + "==";
    tokens.put(t, Instant.now().plusSeconds(seconds));
    ex.getResponseHeaders().set(TTL_HEADER, Integer.toString(seconds));
    reply(ex, 200, t);
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain");
    ex.getResponseHeaders().set("Server", "EC2ws");
    if (bytes.length == 0) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
