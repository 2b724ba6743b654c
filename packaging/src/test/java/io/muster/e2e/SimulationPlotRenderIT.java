package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code muster simulate --plot} as a person sees it: the packaged jar writes the SVG, Debian's
 * Chromium renders it headless to a PNG, and the test reads the pixels. Parsing the SVG
 * (SimulationPlotTest) cannot tell whether a browser draws it, nor whether text runs off the
 * picture; this can. Needs root (Chromium runs in a new, empty network namespace made by {@code
 * unshare --net}, so it cannot reach any address) and the Debian packages chromium and
 * fonts-dejavu-core, which .ci/run installs.
 */
class SimulationPlotRenderIT {
  // SimulationPlot's layout: the picture, and the two panels' boxes.
  private static final int WIDTH = 1100;
  private static final int HEIGHT = 460;
  private static final int TOP = 70;
  private static final int PANEL_H = 320;
  private static final int LEFT1 = 70;
  private static final int LEFT2 = 610;
  private static final int PANEL_W = 470;
  // The first three series colours: muster and naive on the left; Auto Scaling, EC2 and the store
  // on the right.
  private static final int BLUE = 0x1f77b4;
  private static final int RED = 0xd62728;
  private static final int GREEN = 0x2ca02c;

  @Test
  void chromiumDrawsBothPanelsWithEverySeriesAndNothingPastThePanelsRightEdge(@TempDir Path tmp)
      throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException(
          "this integration test needs root (Chromium runs in a network namespace of its own); run"
              + " it as root, as CI does, or skip integration tests with -DskipITs");
    }
    Path svg = tmp.resolve("plot.svg");
    try (LocalMuster simulate =
        LocalMuster.start(
            tmp,
            "simulate",
            Map.of(),
            "simulate",
            "--nodes",
            "20",
            "--runs",
            "50",
            "--seed",
            "23",
            "--plot",
            svg.toString())) {
      assertThat(simulate.awaitExit(Duration.ofSeconds(120))).as(simulate.stderr()).isZero();
      assertThat(simulate.stdout()).contains("muster").contains("naive");
    }
    assertThat(svg).isRegularFile();

    BufferedImage png = render(tmp, svg, "plot");
    assertThat(png.getWidth()).isEqualTo(WIDTH);
    assertThat(png.getHeight()).isEqualTo(HEIGHT);

    Box convergence = new Box(LEFT1, TOP, LEFT1 + PANEL_W, TOP + PANEL_H);
    Box load = new Box(LEFT2, TOP, LEFT2 + PANEL_W, TOP + PANEL_H);
    assertThat(pixels(png, convergence, BLUE)).as("muster's convergence line").isGreaterThan(300);
    assertThat(pixels(png, convergence, RED)).as("naive's convergence line").isGreaterThan(300);
    assertThat(pixels(png, load, BLUE)).as("DescribeAutoScalingGroups and its quota").isPositive();
    assertThat(pixels(png, load, RED)).as("DescribeInstances and its quota").isGreaterThan(300);
    assertThat(pixels(png, load, GREEN)).as("the store's requests and quota").isGreaterThan(300);
    // Text: the title, the axes' numbers and labels, the legends.
    assertThat(darkPixels(png, new Box(0, 0, WIDTH, HEIGHT))).isGreaterThan(2000);
    // Between the right panel's edge and the picture's, beside the panels: nothing. A legend that
    // ran past the panel (it did, before its text was right-aligned) draws here.
    Box rightMargin = new Box(LEFT2 + PANEL_W + 3, TOP, WIDTH, TOP + PANEL_H + 1);
    assertThat(nonWhitePixels(png, rightMargin)).as("drawn right of the panels").isZero();

    // The same checks see a picture without the plot: a page of the same size with one stray word
    // in the margin fails every one of them.
    Path blank = tmp.resolve("blank.svg");
    Files.writeString(
        blank,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1100\" height=\"460\">"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
            + "<text x=\"1085\" y=\"200\" font-size=\"12\">x</text></svg>\n");
    BufferedImage empty = render(tmp, blank, "blank");
    assertThat(pixels(empty, convergence, BLUE)).isZero();
    assertThat(pixels(empty, load, GREEN)).isZero();
    assertThat(darkPixels(empty, new Box(0, 0, WIDTH, HEIGHT))).isLessThan(2000);
    assertThat(nonWhitePixels(empty, rightMargin)).isPositive();
  }

  record Box(int x0, int y0, int x1, int y1) {}

  /** Headless Chromium's screenshot of {@code svg}, in an empty network namespace. */
  private static BufferedImage render(Path tmp, Path svg, String label) throws Exception {
    Path png = tmp.resolve(label + ".png");
    Path profile = Files.createDirectories(tmp.resolve(label + "-profile"));
    List<String> argv =
        List.of(
            "unshare",
            "--net",
            "--",
            "chromium",
            "--headless",
            "--no-sandbox", // as root, Chromium refuses to start with its sandbox
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--user-data-dir=" + profile,
            "--window-size=" + WIDTH + "," + HEIGHT,
            "--screenshot=" + png,
            svg.toUri().toString());
    String out = run(tmp, label + "-chromium", argv, Duration.ofSeconds(60));
    assertThat(png).as("Chromium wrote no screenshot:\n" + out).isRegularFile();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as(png + " is not a PNG").isNotNull();
    return image;
  }

  /**
   * Pixels in {@code box} within a small distance of {@code rgb} (anti-aliasing, colour profile).
   */
  private static int pixels(BufferedImage img, Box box, int rgb) {
    return count(img, box, p -> distance(p, rgb) <= 40);
  }

  private static int darkPixels(BufferedImage img, Box box) {
    return count(img, box, p -> distance(p, 0x000000) <= 200);
  }

  private static int nonWhitePixels(BufferedImage img, Box box) {
    return count(img, box, p -> distance(p, 0xffffff) > 24);
  }

  private static int count(BufferedImage img, Box box, java.util.function.IntPredicate match) {
    int n = 0;
    for (int y = box.y0(); y < Math.min(box.y1(), img.getHeight()); y++) {
      for (int x = box.x0(); x < Math.min(box.x1(), img.getWidth()); x++) {
        if (match.test(img.getRGB(x, y) & 0xffffff)) {
          n++;
        }
      }
    }
    return n;
  }

  /** The largest per-channel difference. */
  private static int distance(int a, int b) {
    int d = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
      d = Math.max(d, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
    }
    return d;
  }

  /** Runs {@code argv} with no AWS or MUSTER variables and a private HOME; returns its output. */
  private static String run(Path tmp, String label, List<String> argv, Duration timeout)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("MUSTER_"));
    pb.environment().putAll(MusterCli.NO_INSTANCE_METADATA);
    pb.environment().put("HOME", Files.createDirectories(tmp.resolve(label + "-home")).toString());
    Path out = tmp.resolve(label + ".log");
    pb.redirectOutput(out.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(label + " did not finish in " + timeout);
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(label + " exited with:\n" + text).isZero();
    return text;
  }
}
