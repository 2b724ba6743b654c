package io.muster.adapter.swarm;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 response from the Docker engine.
 *
 * @param status the status code
 * @param headers header fields, names in lower case (a repeated field keeps its last value)
 * @param body the body, already de-chunked
 */
record HttpResponse(int status, Map<String, String> headers, byte[] body) {
  HttpResponse {
    headers = Map.copyOf(headers);
  }

  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    // The body may hold join tokens (GET /swarm): never print it.
    return "HttpResponse[" + status + ", " + body.length + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpResponse r
        && r.status == status
        && r.headers.equals(headers)
        && java.util.Arrays.equals(r.body, body);
  }

  @Override
  public int hashCode() {
    return 31 * status + java.util.Arrays.hashCode(body);
  }
}
