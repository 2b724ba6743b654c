package io.muster.agent.runtime;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * When each periodic component runs next: the earliest due first, and among components due at the
 * same moment the one given first (so the join loop steps before the follower that reads its
 * result). Pure bookkeeping; the runtime does the waiting and the running.
 */
final class Schedule {
  /** One periodic component, its next due time and how many of its steps failed in a row. */
  static final class Entry {
    final PeriodicComponent component;
    private final int order;
    private Instant due;
    private int failures;

    private Entry(PeriodicComponent component, int order, Instant due) {
      this.component = component;
      this.order = order;
      this.due = due;
    }

    /** Counts one more failed step in a row and returns the count (1 after the first). */
    int failed() {
      return ++failures;
    }

    void succeeded() {
      failures = 0;
    }
  }

  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>(
          Comparator.<Entry, Instant>comparing(e -> e.due).thenComparingInt(e -> e.order));

  /** Every component is due at {@code start}. */
  Schedule(List<PeriodicComponent> components, Instant start) {
    for (int i = 0; i < components.size(); i++) {
      queue.add(new Entry(components.get(i), i, start));
    }
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** The moment the next component is due; call only when not empty. */
  Instant nextDue() {
    return queue.element().due;
  }

  /** Takes out the component due next; put it back with {@link #runAgainAt}. */
  Entry takeNext() {
    return queue.remove();
  }

  void runAgainAt(Entry entry, Instant due) {
    entry.due = due;
    queue.add(entry);
  }
}
