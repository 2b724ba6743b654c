package io.muster.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The {@code --plot} picture, checked by parsing the SVG (no browser on the build machine): it is
 * well-formed XML, both panels are there, each strategy and each call series is a line with real
 * points inside the picture, and every store bucket's quota is drawn as a dashed line at its rate.
 */
class SimulationPlotTest {

  @Test
  void thePlotShowsConvergenceOfBothStrategiesAndTheSlowestRunsLoadAgainstTheQuotas()
      throws Exception {
    SimulationReport r =
        Simulator.run(
            SimulationSettings.parse(List.of("--nodes", "10", "--runs", "30", "--threads", "1")),
            (done, total, failing) -> {});
    String svg = Simulator.plot(r);
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    Element root = doc.getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("svg");
    assertThat(svg).doesNotContain("<script").doesNotContain("href=");

    List<Element> convergence = lines(doc, "convergence");
    assertThat(convergence)
        .extracting(e -> e.getAttribute("data-series"))
        .contains("muster", "naive");
    for (Element line : convergence) {
      // A step line per run that converged, so at least a few points, all inside the picture.
      assertThat(points(line)).hasSizeGreaterThan(10).allSatisfy(SimulationPlotTest::inside);
    }

    List<Element> load = lines(doc, "load");
    List<String> series = new ArrayList<>();
    load.forEach(e -> series.add(e.getAttribute("data-series")));
    assertThat(series)
        .contains("ec2:DescribeInstances", "ssm", "quota ssm", "quota ec2:DescribeInstances");
    Element quota =
        load.stream()
            .filter(e -> e.getAttribute("data-series").equals("quota ssm"))
            .findFirst()
            .orElseThrow();
    assertThat(quota.getAttribute("stroke-dasharray")).isNotEmpty();
    List<double[]> q = points(quota);
    assertThat(q).hasSize(2);
    assertThat(q.get(0)[1]).as("a quota is a horizontal line").isEqualTo(q.get(1)[1]);
    Element calls =
        load.stream()
            .filter(e -> e.getAttribute("data-series").equals("ssm"))
            .findFirst()
            .orElseThrow();
    assertThat(points(calls)).hasSizeGreaterThan(10).allSatisfy(SimulationPlotTest::inside);
    assertThat(svg).contains("quota 40/s (dashed)").contains("muster: p50 ");
  }

  @Test
  void roundAxisLimits() {
    assertThat(SimulationPlot.niceCeil(0.7)).isEqualTo(1.0);
    assertThat(SimulationPlot.niceCeil(138.2)).isEqualTo(200.0);
    assertThat(SimulationPlot.niceCeil(40)).isEqualTo(50.0);
    assertThat(SimulationPlot.niceCeil(5000)).isEqualTo(5000.0);
  }

  private static List<Element> lines(Document doc, String group) {
    List<Element> out = new ArrayList<>();
    NodeList groups = doc.getElementsByTagName("g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      if (g.getAttribute("id").equals(group)) {
        NodeList pl = g.getElementsByTagName("polyline");
        for (int j = 0; j < pl.getLength(); j++) {
          out.add((Element) pl.item(j));
        }
      }
    }
    assertThat(out).as("lines in group " + group).isNotEmpty();
    return out;
  }

  private static List<double[]> points(Element polyline) {
    List<double[]> out = new ArrayList<>();
    for (String p : polyline.getAttribute("points").trim().split("\\s+")) {
      String[] xy = p.split(",");
      out.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
    }
    return out;
  }

  private static void inside(double[] p) {
    assertThat(p[0]).isBetween(0.0, (double) SimulationPlot.WIDTH);
    assertThat(p[1]).isBetween(0.0, (double) SimulationPlot.HEIGHT);
  }
}
