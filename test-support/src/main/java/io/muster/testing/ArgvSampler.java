package io.muster.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every process's argv ({@code /proc/PID/cmdline}) over and over in the background and keeps
 * each distinct argv it saw, with the first process that had it. A test then asks whether a secret
 * ever stood in an argv, in either of two ways, each over everything seen since the start:
 *
 * <ul>
 *   <li>{@link #watch} a secret (or a prefix every secret of a kind has, such as a swarm token's
 *       {@code SWMTKN-}) once it is known, and check {@link #violations()} at the end;
 *   <li>ask {@link #programsWhoseArgvHeld} afterwards, for a secret that only exists once the run
 *       made it (an Erlang cookie).
 * </ul>
 *
 * Reports name the process, never the secret. {@link #sawArgvContaining} proves that sampling
 * caught what it had to (the test's own daemons, a short-lived command).
 */
public final class ArgvSampler implements AutoCloseable {
  /** A run sees a few hundred distinct argvs; the cap only guards against a runaway. */
  private static final int MAX_DISTINCT = 100_000;

  private static final Duration DEFAULT_EVERY = Duration.ofMillis(20);

  private final Map<String, String> firstPidByArgv = new ConcurrentHashMap<>();
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong processesSeen = new AtomicLong();
  private final long everyMillis;
  private volatile boolean overflowed;
  private volatile boolean running = true;
  private final Thread thread;

  /** Starts sampling every 20 ms. */
  public ArgvSampler() {
    this(DEFAULT_EVERY);
  }

  /** Starts sampling, a pass over {@code /proc} every {@code every}. */
  public ArgvSampler(Duration every) {
    this.everyMillis = every.toMillis();
    this.thread = new Thread(this::loop, "argv-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** Counts any argv holding {@code fragment} as a violation; null and empty are ignored. */
  public ArgvSampler watch(String fragment) {
    if (fragment != null && !fragment.isEmpty()) {
      watched.add(fragment);
    }
    return this;
  }

  /** One line per distinct argv that held a watched fragment, naming its process only. */
  public List<String> violations() {
    return firstPidByArgv.entrySet().stream()
        .filter(e -> watched.stream().anyMatch(e.getKey()::contains))
        .map(
            e ->
                "pid "
                    + e.getValue()
                    + " ("
                    + program(e.getKey())
                    + ") had a watched secret in its argv")
        .sorted()
        .toList();
  }

  /** The programs (argv[0]) of every sampled argv that held {@code secret}; never the secret. */
  public List<String> programsWhoseArgvHeld(String secret) {
    return firstPidByArgv.keySet().stream()
        .filter(a -> a.contains(secret))
        .map(ArgvSampler::program)
        .distinct()
        .sorted()
        .toList();
  }

  /** Whether some sampled argv contained {@code fragment} (proof that sampling catches it). */
  public boolean sawArgvContaining(String fragment) {
    return firstPidByArgv.keySet().stream().anyMatch(a -> a.contains(fragment));
  }

  /** Passes over {@code /proc} so far. */
  public long rounds() {
    return rounds.get();
  }

  /** argv reads so far. */
  public long processesSeen() {
    return processesSeen.get();
  }

  public int distinct() {
    return firstPidByArgv.size();
  }

  /** Whether an argv was dropped because the cap was reached. */
  public boolean overflowed() {
    return overflowed;
  }

  private static String program(String argv) {
    return argv.isBlank() ? "?" : argv.trim().split(" ", 2)[0];
  }

  private void loop() {
    while (running) {
      try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
        for (Path p : procs) {
          record(p);
        }
      } catch (IOException ignored) {
        // /proc changes under us; next round.
      }
      rounds.incrementAndGet();
      try {
        Thread.sleep(everyMillis);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void record(Path proc) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(proc.resolve("cmdline"));
    } catch (IOException | RuntimeException e) {
      return; // exited meanwhile
    }
    processesSeen.incrementAndGet();
    String argv = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    if (firstPidByArgv.size() < MAX_DISTINCT) {
      firstPidByArgv.putIfAbsent(argv, proc.getFileName().toString());
    } else if (!firstPidByArgv.containsKey(argv)) {
      overflowed = true;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
