package io.muster.lifecycle.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A queue with SQS's semantics on a given clock: a received message is hidden for its visibility
 * timeout and comes back unless deleted; receipt handles change with every receive (an old handle
 * no longer deletes); a dead-letter queue when configured. With a {@link Random}, receives may
 * return messages in any order, and {@link #send} may add a duplicate or delay a message.
 */
public final class InMemoryActionQueue implements ActionQueue {
  private final Clock clock;
  private final boolean hasDeadLetterQueue;
  private final Random random;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final List<String> deadLetters = new ArrayList<>();
  private int nextId;
  private int nextHandle;

  /** What the fault test counts. */
  public int duplicated;

  public int delayed;

  private static final class Entry {
    final String id;
    final String body;
    Instant visibleAt;
    String handle;
    int receives;

    Entry(String id, String body, Instant visibleAt) {
      this.id = id;
      this.body = body;
      this.visibleAt = visibleAt;
    }
  }

  /**
   * @param random null for plain FIFO-ish behaviour without faults
   */
  public InMemoryActionQueue(Clock clock, boolean hasDeadLetterQueue, Random random) {
    this.clock = clock;
    this.hasDeadLetterQueue = hasDeadLetterQueue;
    this.random = random;
  }

  public synchronized void send(String body) {
    Instant at = clock.instant();
    if (random != null && random.nextInt(5) == 0) {
      at = at.plusSeconds(1 + random.nextInt(120));
      delayed++;
    }
    add(body, at);
    if (random != null && random.nextInt(5) == 0) {
      // SQS is at-least-once: the same notification may arrive twice, as another message.
      add(body, clock.instant().plusSeconds(random.nextInt(60)));
      duplicated++;
    }
  }

  private void add(String body, Instant visibleAt) {
    String id = "m-" + ++nextId;
    entries.put(id, new Entry(id, body, visibleAt));
  }

  @Override
  public synchronized List<Message> receive(int max, Duration wait, Duration visibility) {
    Instant now = clock.instant();
    List<Entry> visible = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (!e.visibleAt.isAfter(now)) {
        visible.add(e);
      }
    }
    if (random != null) {
      java.util.Collections.shuffle(visible, random);
    }
    List<Message> out = new ArrayList<>();
    for (Entry e : visible.subList(0, Math.min(max, visible.size()))) {
      e.visibleAt = now.plus(visibility);
      e.handle = "h-" + ++nextHandle;
      e.receives++;
      out.add(new Message(e.id, e.handle, e.body, e.receives));
    }
    return out;
  }

  @Override
  public synchronized void delete(Message m) {
    Entry e = entries.get(m.id());
    if (e != null && e.handle.equals(m.receiptHandle())) {
      entries.remove(m.id());
    }
  }

  @Override
  public synchronized void changeVisibility(Message m, Duration visibility) {
    Entry e = entries.get(m.id());
    if (e != null && e.handle.equals(m.receiptHandle())) {
      e.visibleAt = clock.instant().plus(visibility);
    }
  }

  @Override
  public synchronized boolean deadLetter(Message m, String reason) {
    if (!hasDeadLetterQueue) {
      return false;
    }
    deadLetters.add(reason);
    delete(m);
    return true;
  }

  @Override
  public String describe() {
    return "in-memory";
  }

  /** Messages not deleted yet. */
  public synchronized int size() {
    return entries.size();
  }

  /** The bodies of messages not deleted yet. */
  public synchronized List<String> bodies() {
    return entries.values().stream().map(e -> e.body).toList();
  }

  public synchronized List<String> deadLetters() {
    return List.copyOf(deadLetters);
  }
}
