package io.muster.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every process's argv ({@code /proc/PID/cmdline}) over and over in the background and keeps
 * each distinct argv it saw. Unlike the swarm harness's sampler, which watches secrets known in
 * advance, this one is checked afterwards: an Erlang cookie only exists once a node has formed, so
 * the test asks at the end whether any argv seen during the run held one.
 */
final class ArgvSampler implements AutoCloseable {
  /** A run sees a few hundred distinct argvs; the cap only guards against a runaway. */
  private static final int MAX_DISTINCT = 100_000;

  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong processesSeen = new AtomicLong();
  private volatile boolean overflowed;
  private volatile boolean running = true;
  private final Thread thread;

  ArgvSampler() {
    this.thread = new Thread(this::loop, "argv-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  long rounds() {
    return rounds.get();
  }

  long processesSeen() {
    return processesSeen.get();
  }

  int distinct() {
    return seen.size();
  }

  boolean overflowed() {
    return overflowed;
  }

  /** Whether some sampled argv contained {@code fragment} (proof that sampling catches it). */
  boolean sawArgvContaining(String fragment) {
    return seen.stream().anyMatch(a -> a.contains(fragment));
  }

  /** The programs (argv[0]) of every sampled argv that held {@code secret}; never the secret. */
  List<String> programsWhoseArgvHeld(String secret) {
    return seen.stream()
        .filter(a -> a.contains(secret))
        .map(a -> a.isBlank() ? "?" : a.trim().split(" ", 2)[0])
        .distinct()
        .sorted()
        .toList();
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
        Thread.sleep(20);
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
    if (seen.size() < MAX_DISTINCT) {
      seen.add(argv);
    } else if (!seen.contains(argv)) {
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
