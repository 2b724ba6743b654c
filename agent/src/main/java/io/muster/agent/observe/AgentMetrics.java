package io.muster.agent.observe;

import io.muster.lifecycle.LifecycleResult;
import io.muster.lifecycle.LifecycleTransition;
import io.muster.model.Peer;
import io.muster.telemetry.Outcome;
import io.muster.telemetry.StoreOperation;
import io.muster.telemetry.Telemetry;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The agent's Prometheus metrics (catalogue in docs/observability.md, checked by a test). Labels
 * take only values from small fixed sets (provider, operation, verb, kind, transition, result),
 * never an address or an instance id. Series whose label values are known up front start at zero,
 * so rates and alerts work before the first event.
 */
public final class AgentMetrics implements Telemetry {
  static final double[] CALL_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  static final double[] JOIN_SECONDS = {1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600};
  static final List<String> DECISION_KINDS = List.of("wait", "form", "join");
  static final List<String> ADAPTER_VERBS =
      List.of("inspect", "form", "join", "verify", "leave", "members-changed");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  private final Counter discoveryRequests;
  private final Counter discoveryErrors;
  private final Histogram discoveryDuration;
  private final Gauge viewPeers;
  private final Counter decisions;
  private final Counter storeRequests;
  private final Counter storeErrors;
  private final Counter storeThrottled;
  private final Histogram storeDuration;
  private final Counter adapterOperations;
  private final Histogram joinDuration;
  private final Gauge member;
  private final Counter lifecycleActions;

  /**
   * @param version this build's version, for muster_build_info
   * @param provider the discovery provider's name; adapter the adapter's: their series start at 0
   * @param jvm whether to add the library's standard jvm_* and process_* metrics (the agent does;
   *     tests that compare the catalogue need not)
   */
  public AgentMetrics(String version, String provider, String adapter, boolean jvm) {
    Info.builder()
        .name("muster_build_info")
        .help("This muster build: always 1, its version as a label.")
        .labelNames("version")
        .register(registry)
        .setLabelValues(version);
    discoveryRequests =
        Counter.builder()
            .name("muster_discovery_requests_total")
            .help("Discovery passes (listing or authoritative), by provider.")
            .labelNames("provider")
            .register(registry);
    discoveryErrors =
        Counter.builder()
            .name("muster_discovery_errors_total")
            .help("Discovery passes that failed, by provider.")
            .labelNames("provider")
            .register(registry);
    discoveryDuration =
        Histogram.builder()
            .name("muster_discovery_request_duration_seconds")
            .help("How long a discovery pass took, failed ones included, by provider.")
            .unit(Unit.SECONDS)
            .labelNames("provider")
            .classicOnly()
            .classicUpperBounds(CALL_SECONDS)
            .register(registry);
    viewPeers =
        Gauge.builder()
            .name("muster_view_peers")
            .help("Peers in the last view discovery returned (this node included).")
            .register(registry);
    decisions =
        Counter.builder()
            .name("muster_decisions_total")
            .help("Decisions of the join flow, by kind (wait, form, join).")
            .labelNames("kind")
            .register(registry);
    storeRequests =
        Counter.builder()
            .name("muster_store_requests_total")
            .help("Calls to the credential store, by operation.")
            .labelNames("operation")
            .register(registry);
    storeErrors =
        Counter.builder()
            .name("muster_store_errors_total")
            .help(
                "Calls to the credential store that failed (throttled ones included), by operation.")
            .labelNames("operation")
            .register(registry);
    storeThrottled =
        Counter.builder()
            .name("muster_store_throttled_total")
            .help("Calls to the credential store refused for its rate limit, by operation.")
            .labelNames("operation")
            .register(registry);
    storeDuration =
        Histogram.builder()
            .name("muster_store_request_duration_seconds")
            .help("How long a call to the credential store took, by operation.")
            .unit(Unit.SECONDS)
            .labelNames("operation")
            .classicOnly()
            .classicUpperBounds(CALL_SECONDS)
            .register(registry);
    adapterOperations =
        Counter.builder()
            .name("muster_adapter_operations_total")
            .help("Adapter operations, by adapter, verb and outcome (ok, error).")
            .labelNames("adapter", "verb", "outcome")
            .register(registry);
    joinDuration =
        Histogram.builder()
            .name("muster_join_duration_seconds")
            .help("From the agent's start to this node being a member, when it formed or joined.")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(JOIN_SECONDS)
            .register(registry);
    member =
        Gauge.builder()
            .name("muster_member")
            .help(
                "1 while the last check found this node a verified member of its cluster, else 0.")
            .register(registry);
    lifecycleActions =
        Counter.builder()
            .name("muster_lifecycle_actions_total")
            .help(
                "Lifecycle actions completed, by transition (launching, terminating) and result"
                    + " (continue, abandon; failed when completing it failed).")
            .labelNames("transition", "result")
            .register(registry);

    discoveryRequests.initLabelValues(provider);
    discoveryErrors.initLabelValues(provider);
    discoveryDuration.initLabelValues(provider);
    DECISION_KINDS.forEach(decisions::initLabelValues);
    for (StoreOperation op : StoreOperation.values()) {
      storeRequests.initLabelValues(op.label());
      storeErrors.initLabelValues(op.label());
      storeThrottled.initLabelValues(op.label());
      storeDuration.initLabelValues(op.label());
    }
    for (String verb : ADAPTER_VERBS) {
      adapterOperations.initLabelValues(adapter, verb, Outcome.OK.label());
      adapterOperations.initLabelValues(adapter, verb, Outcome.ERROR.label());
    }
    for (LifecycleTransition t : LifecycleTransition.values()) {
      for (String result : List.of("continue", "abandon", "failed")) {
        lifecycleActions.initLabelValues(label(t), result);
      }
    }
    if (jvm) {
      JvmMetrics.builder().register(registry);
    }
  }

  private static String label(LifecycleTransition t) {
    return t.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void discovery(
      String provider, Outcome outcome, Duration latency, List<Peer> peers, String error) {
    discoveryRequests.labelValues(provider).inc();
    discoveryDuration.labelValues(provider).observe(seconds(latency));
    if (outcome == Outcome.OK) {
      viewPeers.set(peers.size());
    } else {
      discoveryErrors.labelValues(provider).inc();
    }
  }

  @Override
  public void store(String operation, Outcome outcome, Duration latency, String error) {
    storeRequests.labelValues(operation).inc();
    storeDuration.labelValues(operation).observe(seconds(latency));
    if (outcome != Outcome.OK) {
      storeErrors.labelValues(operation).inc();
    }
    if (outcome == Outcome.THROTTLED) {
      storeThrottled.labelValues(operation).inc();
    }
  }

  @Override
  public void adapter(String adapter, String verb, Outcome outcome, String error) {
    adapterOperations
        .labelValues(adapter, verb, outcome == Outcome.OK ? "ok" : Outcome.ERROR.label())
        .inc();
  }

  @Override
  public void lifecycleAction(LifecycleTransition transition, LifecycleResult result) {
    lifecycleActions.labelValues(label(transition), result.name().toLowerCase(Locale.ROOT)).inc();
  }

  @Override
  public void lifecycleActionFailed(LifecycleTransition transition, String error) {
    lifecycleActions.labelValues(label(transition), "failed").inc();
  }

  /** A decision of the join flow. */
  public void decision(String kind) {
    decisions.labelValues(kind).inc();
  }

  /** Whether the last check found this node a member. */
  public void member(boolean isMember) {
    member.set(isMember ? 1 : 0);
  }

  /** This node formed or joined, {@code took} after the agent started. */
  public void joined(Duration took) {
    joinDuration.observe(seconds(took));
  }

  /** Writes every metric in the Prometheus text format (version 0.0.4). */
  public void writeText(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  /** The exposition's content type. */
  public String contentType() {
    return writer.getContentType();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
