package io.muster.agent.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The lines one logger wrote while this is open, as "LEVEL message". */
public final class CapturedLogs implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLogs(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  public static CapturedLogs of(String loggerName) {
    return new CapturedLogs(loggerName);
  }

  public List<String> lines() {
    return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
