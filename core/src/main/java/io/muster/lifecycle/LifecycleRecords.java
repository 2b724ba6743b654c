package io.muster.lifecycle;

import java.io.IOException;
import java.util.Optional;

/** Where the node's {@link InFlight} lifecycle work is kept between restarts. */
public interface LifecycleRecords {
  Optional<InFlight> load() throws IOException;

  /** Replaces the record; durable when this returns. */
  void save(InFlight record) throws IOException;

  /** In memory, for tests. */
  final class InMemory implements LifecycleRecords {
    private InFlight record;
    private int saves;

    @Override
    public synchronized Optional<InFlight> load() {
      return Optional.ofNullable(record);
    }

    @Override
    public synchronized void save(InFlight r) {
      record = r;
      saves++;
    }

    public synchronized int saves() {
      return saves;
    }
  }
}
