package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpResponseParserTest {

  // What dockerd 20.10 sends for GET /v1.41/nodes (body shortened), byte for byte.
  private static final String CHUNKED =
      "HTTP/1.1 200 OK\r\n"
          + "Api-Version: 1.41\r\n"
          + "Content-Type: application/json\r\n"
          + "Docker-Experimental: false\r\n"
          + "Ostype: linux\r\n"
          + "Server: Docker/20.10.24+dfsg1 (linux)\r\n"
          + "Date: Sat, 21 Nov 2026 22:23:56 GMT\r\n"
          + "Transfer-Encoding: chunked\r\n"
          + "\r\n"
          + "1a\r\n"
          + "[{\"ID\":\"g4ftbtp4pd5pgi7d\",\r\n"
          + "f;name=value\r\n"
          + "\"Version\":{}}]\n\r\n"
          + "0\r\n"
          + "\r\n";

  private static Optional<HttpResponse> parse(String bytes, boolean eof) throws IOException {
    HttpResponseParser p = new HttpResponseParser(false);
    byte[] b = bytes.getBytes(StandardCharsets.ISO_8859_1);
    p.feed(b, 0, b.length);
    return p.complete(eof);
  }

  @Test
  void decodesChunkedBodyWithExtensions() throws IOException {
    HttpResponse r = parse(CHUNKED, false).orElseThrow();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Api-Version")).isEqualTo("1.41");
    assertThat(r.bodyText()).isEqualTo("[{\"ID\":\"g4ftbtp4pd5pgi7d\",\"Version\":{}}]\n");
  }

  @Test
  void chunkedResponseIsIncompleteAtEveryCutBeforeTheLastByte() throws IOException {
    byte[] all = CHUNKED.getBytes(StandardCharsets.ISO_8859_1);
    for (int cut = 0; cut < all.length; cut++) {
      HttpResponseParser p = new HttpResponseParser(false);
      p.feed(all, 0, cut);
      assertThat(p.complete(false)).as("cut at %d", cut).isEmpty();
      p.feed(all, cut, all.length - cut);
      assertThat(p.complete(false).orElseThrow().bodyText()).endsWith("\"Version\":{}}]\n");
    }
  }

  @Test
  void chunkedResponseFedOneByteAtATime() throws IOException {
    byte[] all = CHUNKED.getBytes(StandardCharsets.ISO_8859_1);
    HttpResponseParser p = new HttpResponseParser(false);
    Optional<HttpResponse> r = Optional.empty();
    for (int i = 0; i < all.length; i++) {
      p.feed(all, i, 1);
      r = p.complete(false);
      if (i < all.length - 1) {
        assertThat(r).isEmpty();
      }
    }
    assertThat(r.orElseThrow().body()).hasSize(0x1a + 0xf);
  }

  @Test
  void chunkedTrailersAreSkipped() throws IOException {
    String s =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n";
    assertThat(parse(s, false).orElseThrow().bodyText()).isEqualTo("abc");
    assertThat(parse(s.substring(0, s.length() - 2), false)).isEmpty();
  }

  @Test
  void contentLengthBody() throws IOException {
    String s = "HTTP/1.1 200 OK\r\nContent-Length: 27\r\n\r\n\"g4ftbtp4pd5pgi7dio7da39c2\"";
    assertThat(parse(s, false).orElseThrow().bodyText()).isEqualTo("\"g4ftbtp4pd5pgi7dio7da39c2\"");
    assertThat(parse(s.substring(0, s.length() - 1), false)).isEmpty();
  }

  @Test
  void errorStatusWithJsonMessage() throws IOException {
    String s =
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
            + "Content-Length: 42\r\n\r\n{\"message\":\"This node is not a manager\"}\n\n";
    HttpResponse r = parse(s, false).orElseThrow();
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.bodyText()).startsWith("{\"message\"");
  }

  @Test
  void noLengthMeansBodyUntilTheConnectionCloses() throws IOException {
    String s = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nOK";
    assertThat(parse(s, false)).isEmpty();
    assertThat(parse(s, true).orElseThrow().bodyText()).isEqualTo("OK");
  }

  @Test
  void noContentAndInterimResponses() throws IOException {
    assertThat(parse("HTTP/1.1 204 No Content\r\n\r\n", false).orElseThrow().body()).isEmpty();
    String s = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    HttpResponse r = parse(s, false).orElseThrow();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("hi");
  }

  @Test
  void headResponseHasNoBodyWhateverItsLength() throws IOException {
    HttpResponseParser p = new HttpResponseParser(true);
    byte[] b = "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    p.feed(b, 0, b.length);
    assertThat(p.complete(false).orElseThrow().body()).isEmpty();
  }

  @Test
  void truncatedResponsesFailAtEndOfStream() {
    assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("3 of 10");
    assertThatThrownBy(
            () -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chunk");
    assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-", true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("headers");
  }

  @Test
  void malformedInputIsRejected() {
    assertThatThrownBy(() -> parse("SSH-2.0-OpenSSH\r\n\r\n", false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("status line");
    assertThatThrownBy(
            () -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chunk size");
    assertThatThrownBy(
            () -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n", false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("CRLF");
    assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("header line");
  }

  @Test
  void requestBytesCarryLengthAndJsonType() {
    byte[] body = "{\"Role\":\"worker\"}".getBytes(StandardCharsets.UTF_8);
    String req =
        new String(
            UnixSocketHttpClient.request("POST", "/v1.41/nodes/x/update?version=3", body),
            StandardCharsets.UTF_8);
    assertThat(req)
        .isEqualTo(
            "POST /v1.41/nodes/x/update?version=3 HTTP/1.1\r\n"
                + "Host: docker\r\n"
                + "User-Agent: muster\r\n"
                + "Accept: application/json\r\n"
                + "Connection: close\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: 17\r\n"
                + "\r\n"
                + "{\"Role\":\"worker\"}");
    String post =
        new String(
            UnixSocketHttpClient.request("POST", "/v1.41/swarm/leave?force=false", null),
            StandardCharsets.UTF_8);
    assertThat(post).contains("Content-Length: 0\r\n").doesNotContain("Content-Type");
    String get =
        new String(
            UnixSocketHttpClient.request("GET", "/v1.41/info", null), StandardCharsets.UTF_8);
    assertThat(get).doesNotContain("Content-Length").endsWith("\r\n\r\n");
  }
}
