package io.muster.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Logging to stderr (stdout is for command output such as {@code peers --output json}), as text
 * lines or one JSON object per line. Configured in code: no XML parsing at start-up.
 */
public final class Logging {
  private static volatile boolean json;

  private Logging() {}

  /** Forgets the format of an earlier command in this JVM (tests run many). */
  public static void forgetFormat() {
    json = false;
  }

  /** Whether log lines are JSON, so that a command's last error line can be JSON too. */
  public static boolean json() {
    return json;
  }

  public static void configure(String format, String level) {
    json = "json".equals(format);
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(ctx);
    appender.setTarget("System.err");
    appender.setName("stderr");
    if ("json".equals(format)) {
      JsonLayout layout = new JsonLayout();
      layout.setContext(ctx);
      layout.start();
      LayoutWrappingEncoder<ILoggingEvent> enc = new LayoutWrappingEncoder<>();
      enc.setContext(ctx);
      enc.setLayout(layout);
      enc.start();
      appender.setEncoder(enc);
    } else {
      PatternLayoutEncoder enc = new PatternLayoutEncoder();
      enc.setContext(ctx);
      enc.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0}: %msg %kvp{NONE}%n");
      enc.start();
      appender.setEncoder(enc);
    }
    appender.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
    root.addAppender(appender);
    // The AWS SDK is chatty at debug; keep it at warn unless asked for explicitly.
    ctx.getLogger("software.amazon.awssdk").setLevel(Level.WARN);
  }
}
