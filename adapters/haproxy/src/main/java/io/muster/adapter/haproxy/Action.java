package io.muster.adapter.haproxy;

/** One step of a reconciliation plan, applied through the Runtime API. */
public sealed interface Action {
  /** The server the step acts on. */
  String name();

  /** For log lines: what the step does. */
  String describe();

  /** {@code add server}, then {@code enable health}/{@code agent} when configured, then enable. */
  record Add(DesiredServer server) implements Action {
    @Override
    public String name() {
      return server.name();
    }

    @Override
    public String describe() {
      return "add " + server.endpoint() + " as";
    }
  }

  /**
   * {@code set server be/name addr A port P}: same identity, new endpoint.
   *
   * @param drainFirst take the server out first (drain until idle, then maint, which also closes
   *     its pooled idle connections), move it, and put it back. HAProxy 2.6 keeps reusing pooled
   *     connections to the old endpoint after an in-place move under load; this is only safe when
   *     another server carries the traffic meanwhile, so a lone server is moved in place.
   */
  record SetAddress(DesiredServer server, boolean drainFirst) implements Action {
    @Override
    public String name() {
      return server.name();
    }

    @Override
    public String describe() {
      return (drainFirst ? "drain and move to " : "move in place to ") + server.endpoint() + ":";
    }
  }

  /** {@code set server be/name state ready}: a member whose server was left drained or in maint. */
  record Ready(String name) implements Action {
    @Override
    public String describe() {
      return "re-enable";
    }
  }

  /** Drain until idle (or the drain timeout), then maint and {@code del server}. */
  record Remove(String name) implements Action {
    @Override
    public String describe() {
      return "drain and remove";
    }
  }
}
