package io.muster.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A picture of a simulation, as one self-contained SVG file: on the left, the share of runs that
 * were one complete cluster t seconds after every node could see every other, one line per strategy
 * (muster next to the naive script); on the right, the API requests per second of muster's slowest
 * run, describe calls and each store quota bucket, against their quota lines. Plain SVG 1.1 with no
 * script or external reference, so a browser, an image viewer or a CI artifact page shows it as it
 * is.
 */
public final class SimulationPlot {
  static final int WIDTH = 1100;
  static final int HEIGHT = 460;
  private static final int PANEL_W = 470;
  private static final int PANEL_H = 320;
  private static final int TOP = 70;
  private static final int LEFT1 = 70;
  private static final int LEFT2 = 610;
  private static final String[] COLOURS = {
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"
  };

  private SimulationPlot() {}

  /**
   * @param report the simulation
   * @param slowest the API load of muster's slowest run ({@link Simulator#load}), or null when no
   *     muster run converged
   * @param slowestLabel how to name that run (its replay command)
   */
  public static String svg(SimulationReport report, Simulator.Load slowest, String slowestLabel) {
    StringBuilder b = new StringBuilder();
    b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    SimulationSettings s = report.settings();
    text(
        b,
        20,
        24,
        16,
        "start",
        String.format(
            Locale.ROOT,
            "muster simulate: %d run(s) x %d node(s), store %s (%s throughput)",
            s.runs(),
            s.nodes(),
            s.aws().storeQuota().store(),
            s.aws().storeQuota().throughput()));
    convergencePanel(b, report);
    loadPanel(b, report, slowest, slowestLabel);
    b.append("</svg>\n");
    return b.toString();
  }

  private static void convergencePanel(StringBuilder b, SimulationReport report) {
    long maxMs = 1000;
    for (SimulationReport.Summary m : report.summaries()) {
      maxMs = Math.max(maxMs, m.convergence(1.0));
    }
    double maxS = niceCeil(maxMs / 1000.0);
    b.append("<g id=\"convergence\">\n");
    text(
        b,
        LEFT1,
        TOP - 14,
        13,
        "start",
        "Convergence: share of runs that are one complete cluster t s after full visibility");
    axes(b, LEFT1, maxS, 1.0, "seconds after every node can see every other", "share of runs");
    int k = 0;
    for (SimulationReport.Summary m : report.summaries()) {
      long[] sorted = m.convergences();
      String colour = COLOURS[k % COLOURS.length];
      List<double[]> pts = new ArrayList<>();
      pts.add(new double[] {0, 0});
      int runs = m.runs();
      for (int i = 0; i < sorted.length; i++) {
        double x = sorted[i] / 1000.0;
        pts.add(new double[] {x, (double) i / runs});
        pts.add(new double[] {x, (double) (i + 1) / runs});
      }
      pts.add(new double[] {maxS, (double) sorted.length / runs});
      polyline(b, LEFT1, maxS, 1.0, pts, colour, m.strategy().label(), false);
      // Bottom right: the distributions rise from the left and end high on the right.
      legend(
          b,
          LEFT1 + PANEL_W,
          TOP + PANEL_H - 12 - 16 * (report.summaries().size() - 1 - k),
          colour,
          String.format(
              Locale.ROOT,
              "%s: p50 %s, p99 %s, %d of %d never complete",
              m.strategy().label(),
              secs(m.convergence(0.5)),
              secs(m.convergence(0.99)),
              m.unconverged(),
              runs),
          false);
      k++;
    }
    b.append("</g>\n");
  }

  private static void loadPanel(
      StringBuilder b, SimulationReport report, Simulator.Load load, String label) {
    b.append("<g id=\"load\">\n");
    text(
        b,
        LEFT2,
        TOP - 14,
        13,
        "start",
        "Requests per second in muster's slowest run, against the account's quotas");
    if (load == null || load.perSecond().isEmpty()) {
      axes(b, LEFT2, 60, 10, "seconds into the run", "requests per second");
      text(b, LEFT2 + PANEL_W / 2, TOP + PANEL_H / 2, 13, "middle", "no muster run converged");
      b.append("</g>\n");
      return;
    }
    Map<String, Double> quota = new LinkedHashMap<>();
    SimulationSettings.Aws aws = report.settings().aws();
    quota.put(SimApi.EC2, aws.ec2Refill());
    quota.put(SimApi.ASG, aws.asgRefill());
    quota.putAll(load.storeQuota());
    int seconds = 1;
    double peak = 1;
    for (Map.Entry<String, List<Integer>> e : load.perSecond().entrySet()) {
      seconds = Math.max(seconds, e.getValue().size());
      for (int v : smooth(e.getValue())) {
        peak = Math.max(peak, v);
      }
    }
    for (Map.Entry<String, Double> q : quota.entrySet()) {
      if (load.perSecond().containsKey(q.getKey())) {
        peak = Math.max(peak, q.getValue());
      }
    }
    double maxX = niceCeil(seconds);
    double maxY = niceCeil(peak * 1.1);
    axes(
        b,
        LEFT2,
        maxX,
        maxY,
        "seconds into the run (" + label + ")",
        "requests per second (5 s mean)");
    int k = 0;
    for (Map.Entry<String, List<Integer>> e : load.perSecond().entrySet()) {
      String colour = COLOURS[k % COLOURS.length];
      List<double[]> pts = new ArrayList<>();
      int[] v = smooth(e.getValue());
      for (int i = 0; i < v.length; i++) {
        pts.add(new double[] {i, v[i]});
      }
      polyline(b, LEFT2, maxX, maxY, pts, colour, e.getKey(), false);
      Double q = quota.get(e.getKey());
      String legendText = e.getKey();
      if (q != null) {
        polyline(
            b,
            LEFT2,
            maxX,
            maxY,
            List.of(new double[] {0, q}, new double[] {maxX, q}),
            colour,
            "quota " + e.getKey(),
            true);
        legendText += String.format(Locale.ROOT, "; quota %s/s (dashed)", num(q));
      }
      legend(b, LEFT2 + PANEL_W, TOP + 14 + 16 * k, colour, legendText, false);
      k++;
    }
    b.append("</g>\n");
  }

  /** A 5-second moving mean, so one-second bursts the bucket absorbs do not hide the trend. */
  private static int[] smooth(List<Integer> v) {
    int[] out = new int[v.size()];
    for (int i = 0; i < v.size(); i++) {
      int from = Math.max(0, i - 4);
      int sum = 0;
      for (int j = from; j <= i; j++) {
        sum += v.get(j);
      }
      out[i] = Math.round((float) sum / (i - from + 1));
    }
    return out;
  }

  private static void axes(
      StringBuilder b, int left, double maxX, double maxY, String xLabel, String yLabel) {
    int bottom = TOP + PANEL_H;
    b.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
            left,
            TOP,
            PANEL_W,
            PANEL_H));
    for (int i = 0; i <= 5; i++) {
      double fx = i / 5.0;
      int x = left + (int) Math.round(fx * PANEL_W);
      int y = bottom - (int) Math.round(fx * PANEL_H);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n",
              left,
              y,
              left + PANEL_W,
              y));
      text(b, x, bottom + 16, 11, "middle", num(fx * maxX));
      text(b, left - 6, y + 4, 11, "end", num(fx * maxY));
    }
    text(b, left + PANEL_W / 2, bottom + 36, 12, "middle", xLabel);
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 %d %d)\">%s</text>%n",
            left - 48,
            TOP + PANEL_H / 2,
            left - 48,
            TOP + PANEL_H / 2,
            escape(yLabel)));
  }

  private static void polyline(
      StringBuilder b,
      int left,
      double maxX,
      double maxY,
      List<double[]> pts,
      String colour,
      String name,
      boolean dashed) {
    StringBuilder p = new StringBuilder();
    for (double[] xy : pts) {
      double x = left + Math.min(1, xy[0] / maxX) * PANEL_W;
      double y = TOP + PANEL_H - Math.min(1, xy[1] / maxY) * PANEL_H;
      p.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<polyline data-series=\"%s\" points=\"%s\" fill=\"none\" stroke=\"%s\""
                + " stroke-width=\"%s\"%s/>%n",
            escape(name),
            p.toString().trim(),
            colour,
            dashed ? "1.5" : "2",
            dashed ? " stroke-dasharray=\"6 4\"" : ""));
  }

  /**
   * A legend entry that ends at {@code right}, a panel's right edge: the sample line last and the
   * text right-aligned before it, so a long series name grows into the panel, never past its edge
   * (left-aligned text at a fixed x ran off the picture with the Auto Scaling series' name).
   */
  private static void legend(
      StringBuilder b, int right, int y, String colour, String label, boolean dashed) {
    int lineEnd = right - 8;
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
            lineEnd - 18,
            y - 4,
            lineEnd,
            y - 4,
            colour,
            dashed ? " stroke-dasharray=\"6 4\"" : ""));
    text(b, lineEnd - 24, y, 11, "end", label);
  }

  private static void text(StringBuilder b, int x, int y, int size, String anchor, String s) {
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\">%s</text>%n",
            x,
            y,
            size,
            anchor,
            escape(s)));
  }

  /** The next of 1, 2, 5 x 10^k at or above {@code v}, so axis ticks are round numbers. */
  static double niceCeil(double v) {
    if (v <= 0) {
      return 1;
    }
    double exp = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * exp >= v) {
        return m * exp;
      }
    }
    return 10 * exp;
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String secs(long ms) {
    return ms < 0 ? "-" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
