package io.muster.plugin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Things several plugins of one process share and that must be built once and closed at exit, such
 * as the AWS SDK clients that discovery and the store both use. Core knows nothing of what is kept
 * here: a plugin asks for its own type, so core's SPIs carry no AWS type.
 */
public final class SharedResources implements AutoCloseable {
  private final Map<Class<?>, Object> byType = new LinkedHashMap<>();

  /** The instance of {@code type}, built by {@code factory} on first use. */
  public synchronized <T> T get(Class<T> type, Supplier<? extends T> factory) {
    Object existing = byType.get(type);
    if (existing != null) {
      return type.cast(existing);
    }
    T made = factory.get();
    byType.put(type, made);
    return made;
  }

  /** Puts a ready-made instance (tests: clients bound to a local endpoint). */
  public synchronized <T> SharedResources with(Class<T> type, T instance) {
    byType.put(type, instance);
    return this;
  }

  /** Whether an instance of {@code type} was built or put (tests: "nothing built AWS clients"). */
  public synchronized boolean holds(Class<?> type) {
    return byType.containsKey(type);
  }

  /** Closes what is closeable, newest first; closing is best effort at exit. */
  @Override
  public synchronized void close() {
    List<Object> all = new ArrayList<>(byType.values());
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i) instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception ignored) {
          // Best effort: the process is stopping.
        }
      }
    }
    byType.clear();
  }
}
