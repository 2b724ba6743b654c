import io.muster.testing.FakeAwsQueryServer;
import io.muster.testing.FakeEc2;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What dropping the AWS SDK between checks would cost and give back (issue 17): runs {@code muster
 * peers --discovery ec2-tags} against a loopback fake EC2 (test-support's) in a fresh class loader
 * over the muster jar, drops the loader, collects, waits, and prints per round the wall and CPU
 * time of the call, the peak resident memory during it (VmHWM, reset each round through
 * /proc/self/clear_refs) and the resident memory after the wait. The whole CLI is in the dropped
 * loader here, not only the SDK: an upper bound on the cost per call. Run by
 * scripts/measure-dropped-loader.sh.
 */
public class DroppedLoaderExperiment {
  public static void main(String[] a) throws Exception {
    Path jar = Path.of(a[0]);
    int rounds = Integer.parseInt(a[1]);
    long intervalMs = Long.parseLong(a[2]) * 1000;
    FakeAwsQueryServer server = FakeAwsQueryServer.start();
    FakeEc2 ec2 = new FakeEc2(server);
    for (int i = 1; i <= 50; i++) {
      ec2.add(FakeEc2.Instance.running(String.format("i-%017x", i), "10.0.3." + i)
          .withTags(Map.of("cluster", "bench")));
    }
    String[] args = {"peers", "--discovery", "ec2-tags", "--tag", "cluster=bench", "--endpoint-url",
        server.endpoint().toString(), "--region", "eu-west-1", "--node-address", "10.0.3.7",
        "--node-instance-id", "i-00000000000000007"};
    Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "x",
        "AWS_EC2_METADATA_DISABLED", "true");
    System.out.printf("start: rss %s%n", rss());
    for (int r = 0; r < rounds; r++) {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // resets VmHWM
      long cpu0 = cpuTicks();
      long t0 = System.nanoTime();
      URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
          ClassLoader.getPlatformClassLoader());
      Method run = loader.loadClass("io.muster.cli.Main")
          .getMethod("run", String[].class, Map.class, PrintWriter.class, PrintWriter.class);
      StringWriter out = new StringWriter();
      Thread.currentThread().setContextClassLoader(loader);
      int code = (int) run.invoke(null, args, env, new PrintWriter(out, true), new PrintWriter(out, true));
      if (code != 0 && r == 0) System.out.println(out);
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (cpuTicks() - cpu0) / 100.0;
      String peak = hwm();
      Thread.currentThread().setContextClassLoader(null);
      loader.close();
      loader = null;
      run = null;
      System.gc();
      Thread.sleep(intervalMs);
      System.out.printf("round %d: exit %d, wall %.2f s, cpu %.2f s, peak %s, rss %s s later: %s%n",
          r, code, wall, cpu, peak, intervalMs / 1000, rss());
    }
    server.close();
    System.exit(0); // the fake's server threads would keep the JVM alive
  }

  static String rss() throws Exception { return field("VmRSS:"); }
  static String hwm() throws Exception { return field("VmHWM:"); }

  static String field(String name) throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith(name)) return l.substring(name.length()).trim();
    }
    return "?";
  }

  static long cpuTicks() throws Exception {
    String[] f = Files.readString(Path.of("/proc/self/stat")).split("\\) ")[1].split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
