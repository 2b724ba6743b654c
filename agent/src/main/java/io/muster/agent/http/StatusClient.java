package io.muster.agent.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a running agent for its {@code /status}, for {@code muster status}. Never through a proxy
 * (the agent is on this host), with short timeouts: no answer means "read the files instead".
 */
public final class StatusClient {
  private StatusClient() {}

  /** What the agent answered, or why there is no answer. */
  public sealed interface Answer {
    /** The URL asked. */
    String url();

    record Status(String url, String json) implements Answer {}

    record NoAgent(String url, String why) implements Answer {}
  }

  /**
   * @param configured {@code agent.http-address} as configured (a wildcard is asked via loopback)
   */
  public static Answer fetch(InetSocketAddress configured, Duration timeout) {
    String url = "http://" + HttpAddress.format(HttpAddress.reachable(configured)) + "/status";
    if (configured.getPort() == 0) {
      return new Answer.NoAgent(
          url.replace(":0/", ":?/"),
          "agent.http-address has port 0: the agent's port is only in its log");
    }
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection(Proxy.NO_PROXY);
      c.setConnectTimeout((int) timeout.toMillis());
      c.setReadTimeout((int) timeout.toMillis());
      c.setRequestProperty("Accept", "application/json");
      try {
        int code = c.getResponseCode();
        if (code != 200) {
          return new Answer.NoAgent(url, "HTTP " + code);
        }
        try (InputStream in = c.getInputStream()) {
          return new Answer.Status(url, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return new Answer.NoAgent(url, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
