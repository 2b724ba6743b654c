package io.muster.adapter.swarm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Incremental parser of one HTTP/1.1 response: feed it bytes as they arrive and ask whether the
 * response is complete. Handles {@code Content-Length}, {@code Transfer-Encoding: chunked} (with
 * chunk extensions and trailers) and bodies delimited by the end of the connection. Pure: no I/O,
 * so it is tested with byte fixtures.
 */
final class HttpResponseParser {
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final boolean headRequest;

  HttpResponseParser(boolean headRequest) {
    this.headRequest = headRequest;
  }

  void feed(byte[] data, int offset, int length) {
    buffer.write(data, offset, length);
  }

  /**
   * The response if all of it has arrived, else empty.
   *
   * @param eof whether the peer closed the connection (no more bytes will come)
   * @throws IOException when the bytes are not a valid response, or the connection ended early
   */
  Optional<HttpResponse> complete(boolean eof) throws IOException {
    byte[] b = buffer.toByteArray();
    int start = 0;
    while (true) {
      int headerEnd = indexOf(b, start, "\r\n\r\n");
      if (headerEnd < 0) {
        if (b.length - start > MAX_HEADER_BYTES) {
          throw new IOException("malformed HTTP response: header section larger than 64 KiB");
        }
        return truncatedIf(eof, "before the end of the headers");
      }
      String head = new String(b, start, headerEnd - start, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      int status = parseStatus(lines[0]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon <= 0) {
          throw new IOException("malformed HTTP header line: " + printable(lines[i]));
        }
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      int bodyStart = headerEnd + 4;
      if (status >= 100 && status < 200) {
        // An interim response (100 Continue): the real one follows.
        start = bodyStart;
        continue;
      }
      if (headRequest || status == 204 || status == 304) {
        return Optional.of(new HttpResponse(status, headers, new byte[0]));
      }
      String te = headers.get("transfer-encoding");
      if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
        return dechunk(b, bodyStart, eof).map(body -> new HttpResponse(status, headers, body));
      }
      String cl = headers.get("content-length");
      if (cl != null) {
        long length;
        try {
          length = Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
          throw new IOException("malformed Content-Length: " + printable(cl));
        }
        if (length < 0 || length > Integer.MAX_VALUE - 16) {
          throw new IOException("unsupported Content-Length: " + length);
        }
        if (b.length - bodyStart < length) {
          return truncatedIf(
              eof, "after " + (b.length - bodyStart) + " of " + length + " body bytes");
        }
        byte[] body = new byte[(int) length];
        System.arraycopy(b, bodyStart, body, 0, body.length);
        return Optional.of(new HttpResponse(status, headers, body));
      }
      // Neither length nor chunking: the body ends with the connection.
      if (!eof) {
        return Optional.empty();
      }
      byte[] body = new byte[b.length - bodyStart];
      System.arraycopy(b, bodyStart, body, 0, body.length);
      return Optional.of(new HttpResponse(status, headers, body));
    }
  }

  private static Optional<byte[]> dechunk(byte[] b, int pos, boolean eof) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      int lineEnd = indexOf(b, pos, "\r\n");
      if (lineEnd < 0) {
        return truncatedIf(eof, "inside a chunk size line");
      }
      String sizeLine = new String(b, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
      int semi = sizeLine.indexOf(';');
      String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("malformed chunk size: " + printable(sizeLine));
      }
      if (size < 0 || size > Integer.MAX_VALUE - 16) {
        throw new IOException("unsupported chunk size: " + printable(sizeLine));
      }
      pos = lineEnd + 2;
      if (size == 0) {
        // Trailer fields (usually none), then an empty line.
        while (true) {
          int end = indexOf(b, pos, "\r\n");
          if (end < 0) {
            return truncatedIf(eof, "inside the chunked trailer");
          }
          if (end == pos) {
            return Optional.of(body.toByteArray());
          }
          pos = end + 2;
        }
      }
      if (b.length - pos < size + 2) {
        return truncatedIf(eof, "inside a chunk of " + size + " bytes");
      }
      body.write(b, pos, (int) size);
      pos += (int) size;
      if (b[pos] != '\r' || b[pos + 1] != '\n') {
        throw new IOException("malformed chunked body: chunk not followed by CRLF");
      }
      pos += 2;
    }
  }

  private static int parseStatus(String statusLine) throws IOException {
    // "HTTP/1.1 200 OK"
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("malformed HTTP status line: " + printable(statusLine));
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("malformed HTTP status line: " + printable(statusLine));
    }
  }

  private static <T> Optional<T> truncatedIf(boolean eof, String where) throws IOException {
    if (eof) {
      throw new IOException("the Docker engine closed the connection " + where);
    }
    return Optional.empty();
  }

  private static int indexOf(byte[] b, int from, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = Math.max(0, from); i <= b.length - n.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (b[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String printable(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return "'" + t.replaceAll("[^\\x20-\\x7e]", "?") + "'";
  }
}
