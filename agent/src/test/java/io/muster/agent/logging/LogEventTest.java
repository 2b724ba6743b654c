package io.muster.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** The log-event vocabulary: documented, complete, and a stable field of every JSON line. */
class LogEventTest {

  @Test
  void theDocumentedVocabularyIsTheEnum() throws IOException {
    Map<String, String> documented = new LinkedHashMap<>();
    String doc = Files.readString(Path.of("..", "docs", "observability.md"));
    String section = doc.substring(doc.indexOf("## Log events"), doc.indexOf("## Prometheus"));
    Matcher m = Pattern.compile("(?m)^\\| `([a-z-]+)` \\| (.+) \\|$").matcher(section);
    while (m.find()) {
      documented.put(m.group(1), m.group(2));
    }
    Map<String, String> declared = new LinkedHashMap<>();
    for (LogEvent e : LogEvent.values()) {
      declared.put(e.kind(), e.meaning());
    }

    assertThat(documented).isEqualTo(declared);
  }

  /**
   * The join flow (core) names its events as strings, since core knows no logging; every one it can
   * report must be in the vocabulary. Read from its source: the flow cannot be made to report every
   * kind cheaply, and a new kind must not slip past the docs.
   */
  @Test
  void everyEventTheJoinFlowReportsIsInTheVocabulary() throws IOException {
    String flow =
        Files.readString(
            Path.of(
                "..", "core", "src", "main", "java", "io", "muster", "bootstrap", "JoinFlow.java"));
    Set<String> kinds = new TreeSet<>();
    Matcher m =
        Pattern.compile("(?:listener\\.event|retryAfterFailure)\\(\\s*\"([a-z-]+)\"").matcher(flow);
    while (m.find()) {
      kinds.add(m.group(1));
    }

    assertThat(kinds).as("the flow's event kinds were found").hasSizeGreaterThan(8);
    assertThat(kinds).allSatisfy(k -> assertThat(LogEvent.of(k)).as("event %s", k).isPresent());
  }

  @Test
  void aJsonLineCarriesTheEventAsATopLevelField() {
    JsonLayout layout = new JsonLayout();
    LoggingEvent e = new LoggingEvent();
    e.setLoggerContext(new LoggerContext());
    e.setLoggerName("bootstrap");
    e.setLevel(Level.INFO);
    e.setMessage("joined generation 1 through 10.0.0.1");
    e.setTimeStamp(0);
    e.setKeyValuePairs(List.of(new KeyValuePair("event", LogEvent.JOINED.kind())));

    assertThat(layout.doLayout(e))
        .isEqualTo(
            "{\"time\":\"1970-01-01T00:00:00Z\",\"level\":\"INFO\",\"logger\":\"bootstrap\","
                + "\"message\":\"joined generation 1 through 10.0.0.1\",\"event\":\"joined\"}\n");
  }

  @Test
  void namesAreUniqueAndKebabCase() {
    assertThat(Arrays.stream(LogEvent.values()).map(LogEvent::kind))
        .doesNotHaveDuplicates()
        .allMatch(k -> k.matches("[a-z]+(-[a-z]+)*"));
  }
}
