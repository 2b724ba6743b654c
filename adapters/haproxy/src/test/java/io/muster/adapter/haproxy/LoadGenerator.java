package io.muster.adapter.haproxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded HTTP load: a few threads sending GETs through HAProxy back to back until {@link
 * #stop()} or the time limit, whichever comes first; it stops by itself. Counts failures (any
 * exception or a status other than 200) and keeps every latency for percentiles.
 */
final class LoadGenerator implements AutoCloseable {
  private final HttpClient client;
  private final URI uri;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
  private final List<long[]> latencies = Collections.synchronizedList(new ArrayList<>());
  private final List<Thread> threads = new ArrayList<>();
  private final long started = System.nanoTime();
  private volatile long stopped;

  private LoadGenerator(int port) {
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    this.uri = URI.create("http://127.0.0.1:" + port + "/");
  }

  static LoadGenerator start(int port, int threads, Duration limit) {
    LoadGenerator g = new LoadGenerator(port);
    long deadline = System.nanoTime() + limit.toNanos();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> g.run(deadline), "load-" + i);
      t.setDaemon(true);
      g.threads.add(t);
      t.start();
    }
    return g;
  }

  private void run(long deadline) {
    long[] mine = new long[1 << 16];
    int n = 0;
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
    while (!stop.get() && System.nanoTime() < deadline) {
      long t0 = System.nanoTime();
      try {
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().startsWith("b")) {
          ok.incrementAndGet();
        } else {
          fail("HTTP " + r.statusCode() + " " + r.body().strip());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        fail(e.toString());
      }
      if (n == mine.length) {
        mine = Arrays.copyOf(mine, n * 2);
      }
      mine[n++] = System.nanoTime() - t0;
    }
    latencies.add(Arrays.copyOf(mine, n));
  }

  private void fail(String what) {
    failed.incrementAndGet();
    if (failures.size() < 20) {
      failures.add(what);
    }
  }

  /** Stops the threads and waits for them. */
  void stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(15_000);
    }
    if (stopped == 0) {
      stopped = System.nanoTime();
    }
  }

  /** Seconds from start to {@link #stop()}. */
  double seconds() {
    return ((stopped == 0 ? System.nanoTime() : stopped) - started) / 1e9;
  }

  long succeeded() {
    return ok.get();
  }

  long failed() {
    return failed.get();
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  /** The p-th percentile latency in milliseconds, after {@link #stop()}. */
  double percentileMillis(double p) {
    long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    if (all.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(all.length - 1, Math.ceil(p / 100.0 * all.length) - 1);
    return all[Math.max(0, i)] / 1e6;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
