package io.muster.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opaque NextToken values as AWS hands them out: each remembers the query it belongs to and where
 * the next page starts. A token used with different parameters, or one never issued, is rejected as
 * AWS would, which proves a client resends the same filters with each token.
 */
final class PageTokens {
  private record Page(Map<String, String> query, int offset) {}

  private final Map<String, Page> issued = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();

  /** A token for the page of {@code request}'s query starting at {@code offset}. */
  String issue(FakeAwsQueryServer.Request request, int offset) {
    String token = "tok" + counter.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    issued.put(token, new Page(request.withoutToken(), offset));
    return token;
  }

  /**
   * Where this request's page starts: 0 without a token.
   *
   * @throws IllegalArgumentException for an unknown token or one from another query
   */
  int offset(FakeAwsQueryServer.Request request) {
    String token = request.param("NextToken");
    if (token == null || token.isEmpty()) {
      return 0;
    }
    Page p = issued.get(token);
    if (p == null) {
      throw new IllegalArgumentException("unknown NextToken " + token);
    }
    if (!p.query().equals(request.withoutToken())) {
      throw new IllegalArgumentException(
          "NextToken "
              + token
              + " was issued for "
              + p.query()
              + " but used with "
              + request.withoutToken());
    }
    return p.offset();
  }
}
