package io.muster.adapter.swarm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every process's argv ({@code /proc/PID/cmdline}) over and over in the background and
 * records any that holds a watched secret, or anything that looks like a swarm join token ({@code
 * SWMTKN-}). Violations name the process, never the secret. Public for the end-to-end tests in the
 * packaging module (through this module's test-jar).
 */
public final class CmdlineSampler implements AutoCloseable {
  private static final String TOKEN_PREFIX = "SWMTKN-";

  private final Set<String> secrets = ConcurrentHashMap.newKeySet();
  private final List<String> violations = new ArrayList<>();
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong processesSeen = new AtomicLong();
  private final String mustSee;
  private volatile boolean sawExpected;
  private volatile boolean running = true;
  private final Thread thread;

  /**
   * @param mustSee a string some sampled argv must contain (proof that sampling works, e.g. the
   *     test's dockerd socket path)
   */
  public CmdlineSampler(String mustSee) {
    this.mustSee = mustSee;
    this.thread = new Thread(this::loop, "cmdline-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  public void watch(String secret) {
    if (secret != null && !secret.isEmpty()) {
      secrets.add(secret);
    }
  }

  public long rounds() {
    return rounds.get();
  }

  public long processesSeen() {
    return processesSeen.get();
  }

  public boolean sawExpected() {
    return sawExpected;
  }

  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  private void loop() {
    while (running) {
      try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
        for (Path p : procs) {
          check(p);
        }
      } catch (IOException ignored) {
        // /proc changes under us; next round.
      }
      rounds.incrementAndGet();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void check(Path proc) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(proc.resolve("cmdline"));
    } catch (IOException | RuntimeException e) {
      return; // exited meanwhile
    }
    processesSeen.incrementAndGet();
    String argv = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    if (!sawExpected && argv.contains(mustSee)) {
      sawExpected = true;
    }
    boolean leak = argv.contains(TOKEN_PREFIX);
    for (String s : secrets) {
      leak |= argv.contains(s);
    }
    if (leak) {
      String program = argv.isBlank() ? "?" : argv.trim().split(" ", 2)[0];
      synchronized (this) {
        violations.add("pid " + proc.getFileName() + " (" + program + ") had a join token in argv");
      }
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
