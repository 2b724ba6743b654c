package io.muster.agent.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.agent.runtime.LoopWatch;
import io.muster.bootstrap.Membership;
import io.muster.bootstrap.NodeState;
import io.muster.bootstrap.StepResult;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.telemetry.Outcome;
import io.muster.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the running agent knows about this node, for {@code /status} and {@code /readyz}: fed by the
 * join loop (decisions, step results), the follower, and, as a {@link Telemetry}, by every call to
 * discovery, the store and the adapter. Written by the agent's loop thread, read by the HTTP
 * thread: every method is synchronized and cheap; nothing here calls out.
 */
public final class NodeStatus implements Telemetry {

  /** Static facts, known when the agent is assembled. */
  public record Setup(
      String cluster,
      String version,
      NodeIdentity self, // null for a pure follower, which needs no identity
      String discoveryProvider,
      String discoveryDescription,
      String storeDescription, // null for a pure follower
      String adapter,
      boolean joins,
      Duration livenessTimeout) {}

  /** The last success and the last error of one dependency. */
  private static final class Health {
    Instant lastSuccess;
    Instant lastErrorAt;
    String lastErrorOperation;
    String lastError;

    void record(Instant at, String operation, Outcome outcome, String error) {
      if (outcome == Outcome.OK) {
        lastSuccess = at;
      } else {
        lastErrorAt = at;
        lastErrorOperation = operation + (outcome == Outcome.THROTTLED ? " (throttled)" : "");
        lastError = error;
      }
    }

    void write(ObjectNode n) {
      n.put("lastSuccess", text(lastSuccess));
      if (lastErrorAt == null) {
        n.putNull("lastError");
      } else {
        ObjectNode e = n.putObject("lastError");
        e.put("at", lastErrorAt.toString());
        e.put("operation", lastErrorOperation);
        e.put("message", lastError);
      }
    }
  }

  private final Setup setup;
  private final Clock wall;
  private final Clock monotonic;
  private final LoopWatch loop;
  private final NodeState state;
  private final Instant startedAt;
  private final Instant startedMono;

  private final Health discovery = new Health();
  private final Health store = new Health();
  private final Health adapter = new Health();
  private List<Peer> view;
  private Instant viewAt;
  private NodeState.StepRecord lastDecision;
  private Readiness.StepOutcome outcome = Readiness.StepOutcome.NONE;
  private String lastMessage;
  private Instant lastStepAt;
  private Membership membership;
  private boolean followerSynced;
  private Supplier<Map<String, Object>> lifecycle = () -> null;

  /**
   * @param wall for the times people read; monotonic for uptime and liveness (the runtime's clock)
   * @param state this node's membership file, read after a step that found it a member
   */
  public NodeStatus(Setup setup, Clock wall, Clock monotonic, LoopWatch loop, NodeState state) {
    this.setup = setup;
    this.wall = wall;
    this.monotonic = monotonic;
    this.loop = loop;
    this.state = state;
    this.startedAt = wall.instant();
    this.startedMono = monotonic.instant();
  }

  @Override
  public synchronized void discovery(
      String provider, Outcome outcome, Duration latency, List<Peer> peers, String error) {
    Instant now = wall.instant();
    discovery.record(now, "discover", outcome, error);
    if (outcome == Outcome.OK) {
      view = List.copyOf(peers);
      viewAt = now;
    }
  }

  @Override
  public synchronized void store(
      String operation, Outcome outcome, Duration latency, String error) {
    store.record(wall.instant(), operation, outcome, error);
  }

  @Override
  public synchronized void adapter(String name, String verb, Outcome outcome, String error) {
    adapter.record(wall.instant(), verb, outcome, error);
  }

  /** The join flow decided (logged and counted elsewhere). */
  public synchronized void decided(NodeState.StepRecord step) {
    lastDecision = step;
  }

  /** A join-loop step ended with {@code r}. Reads the membership file after a member's step. */
  public void stepEnded(StepResult r) {
    Membership m = null;
    if (r instanceof StepResult.Done) {
      try {
        m = state.membership().orElse(null);
      } catch (java.io.IOException e) {
        m = null; // the step itself would have failed on a damaged file; status stays best effort
      }
    }
    synchronized (this) {
      outcome =
          r instanceof StepResult.Done
              ? Readiness.StepOutcome.MEMBER
              : r instanceof StepResult.Failed
                  ? Readiness.StepOutcome.FAILED
                  : Readiness.StepOutcome.WAITING;
      lastMessage = r.message();
      lastStepAt = wall.instant();
      membership = m;
    }
  }

  /** A pure follower applied the membership. */
  public synchronized void followerSynced() {
    followerSynced = true;
  }

  /**
   * The hook for the lifecycle state (issue 15): whoever runs the lifecycle intake registers what
   * {@code /status} shows under "lifecycle" (the in-flight action, its transition, since when).
   * Until then "lifecycle" is null.
   */
  public synchronized void lifecycleState(Supplier<Map<String, Object>> source) {
    this.lifecycle = source;
  }

  /** {@code /livez}: empty while the loop is alive, else why not. */
  public Optional<String> liveness() {
    return loop.problem(monotonic.instant(), setup.livenessTimeout());
  }

  /** {@code /readyz}. */
  public Readiness readiness() {
    Optional<String> loopProblem = liveness();
    boolean stepping = loop.stepping();
    boolean stopping = loop.stopping();
    synchronized (this) {
      return Readiness.of(
          new Readiness.Facts(
              loopProblem,
              stopping,
              setup.joins(),
              outcome,
              lastMessage,
              stepping,
              lastDecision == null ? null : lastDecision.decision(),
              membership == null ? 0 : membership.generation(),
              followerSynced));
    }
  }

  /** {@code /status}: one JSON document (documented in docs/cli.md). */
  public ObjectNode toJson(ObjectMapper json) {
    Readiness ready = readiness();
    Map<String, Object> lifecycleState;
    Supplier<Map<String, Object>> lifecycleSource;
    synchronized (this) {
      lifecycleSource = lifecycle;
    }
    lifecycleState = lifecycleSource.get();
    Instant nowMono = monotonic.instant();
    synchronized (this) {
      ObjectNode root = json.createObjectNode();
      root.put("source", "agent");
      root.put("version", setup.version());
      root.put("startedAt", startedAt.toString());
      root.put("uptimeSeconds", Duration.between(startedMono, nowMono).toSeconds());
      root.put("cluster", setup.cluster());
      boolean member = outcome == Readiness.StepOutcome.MEMBER;
      root.put("member", member);
      root.put("generation", member && membership != null ? membership.generation() : 0L);
      root.put("clusterId", member && membership != null ? membership.clusterId() : null);
      root.put("since", member && membership != null ? membership.since().toString() : null);
      ObjectNode r = root.putObject("ready");
      r.put("ready", ready.ready());
      r.put("reason", ready.reason());
      ObjectNode node = root.putObject("node");
      if (setup.self() != null) {
        node.put("instanceId", setup.self().instanceId());
        node.put("address", setup.self().addressText());
        node.put("hostname", setup.self().hostname());
      }
      root.put("seed", lastDecision == null ? null : lastDecision.seed());
      ObjectNode v = root.putObject("view");
      v.put("at", text(viewAt));
      ArrayNode peers = v.putArray("peers");
      if (view != null) {
        v.put("size", view.size());
        view.forEach(p -> peers.add(p.addressText()));
      } else {
        v.putNull("size");
      }
      if (lastDecision == null) {
        root.putNull("lastDecision");
      } else {
        ObjectNode d = root.putObject("lastDecision");
        d.put("at", lastDecision.at().toString());
        d.put("decision", lastDecision.decision());
        d.put("reason", lastDecision.reason());
        d.put("viewSize", lastDecision.viewSize());
        d.put("seed", lastDecision.seed());
      }
      if (lastStepAt == null) {
        root.putNull("lastStep");
      } else {
        ObjectNode s = root.putObject("lastStep");
        s.put("at", lastStepAt.toString());
        s.put("result", outcome.name().toLowerCase(java.util.Locale.ROOT));
        s.put("message", lastMessage);
      }
      ObjectNode d = root.putObject("discovery");
      d.put("provider", setup.discoveryProvider());
      d.put("describe", setup.discoveryDescription());
      discovery.write(d);
      ObjectNode st = root.putObject("store");
      st.put("describe", setup.storeDescription());
      store.write(st);
      ObjectNode a = root.putObject("adapter");
      a.put("name", setup.adapter());
      adapter.write(a);
      if (lifecycleState == null) {
        root.putNull("lifecycle");
      } else {
        root.set("lifecycle", json.valueToTree(lifecycleState));
      }
      return root;
    }
  }

  private static String text(Instant i) {
    return i == null ? null : i.toString();
  }
}
