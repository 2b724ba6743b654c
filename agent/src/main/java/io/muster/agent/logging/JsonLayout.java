package io.muster.agent.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line: time, level, logger, message, then every key-value pair of the event
 * (slf4j fluent API) as a top-level field, so that log pipelines can filter on e.g. "decision".
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent e) {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"time\":\"").append(Instant.ofEpochMilli(e.getTimeStamp())).append('"');
    b.append(",\"level\":\"").append(e.getLevel()).append('"');
    field(b, "logger", shortName(e.getLoggerName()));
    field(b, "message", e.getFormattedMessage());
    if (e.getKeyValuePairs() != null) {
      for (KeyValuePair kv : e.getKeyValuePairs()) {
        Object v = kv.value;
        if (v instanceof Number || v instanceof Boolean) {
          b.append(",\"").append(escape(kv.key)).append("\":").append(v);
        } else {
          field(b, kv.key, String.valueOf(v));
        }
      }
    }
    if (e.getThrowableProxy() != null) {
      field(b, "error", ThrowableProxyUtil.asString(e.getThrowableProxy()));
    }
    return b.append("}\n").toString();
  }

  private static String shortName(String logger) {
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }

  private static void field(StringBuilder b, String key, String value) {
    b.append(",\"").append(escape(key)).append("\":\"").append(escape(value)).append('"');
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
