package io.muster.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/observability.md's metric catalogue is what the registry exposes: every muster_ metric, its
 * type and its label names, no more, no less.
 */
class MetricCatalogueTest {
  private static final Pattern ROW =
      Pattern.compile("^\\| `(muster_[a-z_]+)` \\| ([a-z]+) \\|([^|]*)\\|.*$");
  private static final Pattern TYPE = Pattern.compile("^# TYPE (muster_[a-z_]+) ([a-z]+)$");
  private static final Pattern SAMPLE = Pattern.compile("^(muster_[a-z_]+)(\\{([^}]*)\\})? .*$");
  private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"");

  /** name -> "type [labels]" from the doc's table. */
  static Map<String, String> documented() throws IOException {
    Map<String, String> metrics = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("..", "docs", "observability.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        Set<String> labels = new TreeSet<>();
        Matcher l = Pattern.compile("`([a-z_]+)`").matcher(m.group(3));
        while (l.find()) {
          labels.add(l.group(1));
        }
        metrics.put(m.group(1), m.group(2) + " " + labels);
      }
    }
    return metrics;
  }

  /** name -> "type [labels]" from the registry's own exposition. */
  static Map<String, String> exposed(AgentMetrics metrics) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metrics.writeText(out);
    Map<String, String> types = new TreeMap<>();
    Map<String, Set<String>> labels = new TreeMap<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      Matcher t = TYPE.matcher(line);
      if (t.matches()) {
        types.put(t.group(1), t.group(2));
        labels.put(t.group(1), new TreeSet<>());
        continue;
      }
      Matcher s = SAMPLE.matcher(line);
      if (s.matches() && s.group(3) != null) {
        String family = family(s.group(1), types.keySet());
        Matcher l = LABEL.matcher(s.group(3));
        while (l.find()) {
          if (!l.group(1).equals("le")) {
            labels.get(family).add(l.group(1));
          }
        }
      }
    }
    Map<String, String> metricsOut = new TreeMap<>();
    types.forEach((name, type) -> metricsOut.put(name, type + " " + labels.get(name)));
    return metricsOut;
  }

  /** The family a sample belongs to: histograms add _bucket, _count, _sum. */
  private static String family(String sample, Set<String> families) {
    for (String suffix : new String[] {"", "_bucket", "_count", "_sum"}) {
      if (sample.endsWith(suffix)
          && families.contains(sample.substring(0, sample.length() - suffix.length()))) {
        return sample.substring(0, sample.length() - suffix.length());
      }
    }
    throw new AssertionError("a sample of no family: " + sample);
  }

  @Test
  void theDocumentedCatalogueIsWhatTheRegistryExposes() throws IOException {
    Map<String, String> documented = documented();

    assertThat(documented).as("the catalogue table parses").hasSizeGreaterThan(10);
    assertThat(exposed(new AgentMetrics("1.2.3", "static", "exec", false)))
        .as("docs/observability.md's metric catalogue")
        .isEqualTo(documented);
  }

  @Test
  void withTheJvmCollectorsOnlyJvmAndProcessMetricsAreAdded() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new AgentMetrics("1.2.3", "static", "exec", true).writeText(out);

    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .filteredOn(l -> l.startsWith("# TYPE "))
        .map(l -> l.split(" ")[2])
        .allMatch(n -> n.startsWith("muster_") || n.startsWith("jvm_") || n.startsWith("process_"));
  }
}
