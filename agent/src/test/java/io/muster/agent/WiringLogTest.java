package io.muster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.muster.bootstrap.NodeState;
import io.muster.bootstrap.StepListener;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The join flow's log lines carry their event; failures the flow retries are warnings. */
class WiringLogTest {

  @Test
  void decisionsAndEventsCarryTheEventFieldAndRetriedFailuresWarn() {
    Logger logger = (Logger) LoggerFactory.getLogger("bootstrap");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      StepListener log = Wiring.logListener();
      log.decided(
          new NodeState.StepRecord(
              Instant.parse("2026-11-21T10:00:00Z"),
              "wait",
              "view of 2 unchanged for 1s",
              2,
              "10.0.0.1"));
      log.event(
          "store-error", "credential store ssm:/muster/prod/: ssm:GetParameter was throttled");
      log.event("joined", "joined generation 1 through 10.0.0.1");

      List<String> lines =
          appender.list.stream()
              .map(
                  e ->
                      e.getLevel()
                          + " "
                          + e.getKeyValuePairs().stream()
                              .filter(kv -> kv.key.equals("event"))
                              .map(kv -> String.valueOf(kv.value))
                              .findFirst()
                              .orElse("-")
                          + " "
                          + e.getFormattedMessage())
              .toList();
      assertThat(lines)
          .containsExactly(
              "INFO decision wait: view of 2 unchanged for 1s",
              "WARN store-error credential store ssm:/muster/prod/: ssm:GetParameter was throttled",
              "INFO joined joined generation 1 through 10.0.0.1");
    } finally {
      logger.detachAppender(appender);
    }
  }
}
