package io.muster.sim;

import io.muster.bootstrap.Backoff;
import io.muster.bootstrap.BootstrapSettings;
import io.muster.bootstrap.JoinFlow;
import io.muster.bootstrap.Membership;
import io.muster.bootstrap.NodeState;
import io.muster.bootstrap.StepListener;
import io.muster.bootstrap.StepResult;
import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One run of one strategy on one randomized world: a discrete-event loop over virtual time. Events
 * are ordered by (time, sequence number), every random draw comes from streams split off the run
 * seed, so a run is a pure function of (settings, strategy, seed).
 *
 * <p>Model of time: a node's step runs at its event time and all the calls it makes take effect at
 * that instant; the latencies of those calls are summed and delay the node's next step (next step =
 * now + latency of this step's calls + the Retry delay JoinFlow asked for).
 */
final class SimRun implements Faults.Host, SimClusters.Listener {
  static final String CLUSTER = SimulationSettings.CLUSTER;

  private enum Kind {
    LAUNCH,
    BOOT,
    STEP,
    RESTART,
    RERUN,
    TERMINATE,
    REPLACE,
    FLEET_LOSS,
    FLEET2
  }

  private record Event(long time, long seq, Kind kind, Node node, int epoch)
      implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final SimulationSettings s;
  private final Strategy strategy;
  private final int index;
  private final long seed;

  private final VirtualClock clock = new VirtualClock();
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long seq;
  private int pendingOther;

  private final SplittableRandom fleetRandom;
  private final SplittableRandom eventRandom;
  private final SplittableRandom backoffRandom;
  private final SplittableRandom rerunRandom;

  private final SimApi api;
  private final Faults faults;
  private final SimStore store;
  private final SimClusters clusters;
  private final BootstrapSettings bootstrap;

  private final List<Node> nodes = new ArrayList<>();
  private final List<Node> byAddress = new ArrayList<>();
  private static final java.util.Comparator<Node> BY_ADDRESS =
      java.util.Comparator.<Node>comparingLong(n -> n.addressBits & 0xffffffffL)
          .thenComparingInt(n -> n.index);
  private final Map<Integer, Node> liveByAddress = new HashMap<>();
  private final Set<Integer> usedAddresses = new HashSet<>();
  private final List<Integer> fleet1Addresses = new ArrayList<>();
  private int liveCount;
  private int liveFleet1;
  private int working;
  private int clusterIdCounter;

  private final boolean fleetLossPlanned;
  private final boolean fleetLossAfterComplete;
  private final long fleetLossDelay;
  private boolean fleetLossScheduled;
  private boolean fleetLossStarted;
  private boolean fleet2Launched;
  private int fleet2ClustersBefore = -1;

  private long disturbedAt;
  private boolean complete;
  private long completeAt = -1;
  private boolean s1Seen;
  private final List<RunResult.Violation> violations = new ArrayList<>();
  private final Map<String, Integer> events = new TreeMap<>();
  private int s3Checks;
  private long steps;

  /** Where trace lines go (null: no tracing, the normal case). */
  private java.util.function.Consumer<String> trace;

  SimRun traceTo(java.util.function.Consumer<String> sink) {
    this.trace = sink;
    faults.trace = this::trace;
    return this;
  }

  /** Records the run's API requests per second ({@link #perSecond()}), for the plot. */
  SimRun recordingPerSecond() {
    api.recordPerSecond();
    return this;
  }

  /** Requests per second by describe call and store quota bucket, when recording. */
  Map<String, List<Integer>> perSecond() {
    return api.perSecond();
  }

  /** The store's quota buckets and their rates per second. */
  Map<String, Double> quotaLines() {
    return api.quotaLines();
  }

  private void trace(Node n, String what) {
    if (trace != null) {
      trace.accept(
          String.format(
              java.util.Locale.ROOT,
              "%9.3fs %-34s %s",
              clock.now() / 1000.0,
              n == null ? "-" : n.toString(),
              what));
    }
  }

  private Node current;

  SimRun(SimulationSettings s, Strategy strategy, int index) {
    this.s = s;
    this.strategy = strategy;
    this.index = index;
    this.seed = s.runSeed(index);
    SplittableRandom root = new SplittableRandom(seed);
    this.fleetRandom = root.split();
    this.eventRandom = root.split();
    SplittableRandom apiRandom = root.split();
    SplittableRandom storeRandom = root.split();
    SplittableRandom clusterRandom = root.split();
    this.backoffRandom = root.split();
    this.rerunRandom = root.split();
    this.api = new SimApi(s.aws(), clock, apiRandom);
    this.faults = new Faults(this, s.forced(), s.faults().lostWrite(), storeRandom);
    this.store = new SimStore(api, faults);
    this.clusters =
        new SimClusters(clock, clusterRandom, s.faults().pairJoin(), faults, this::liveAt, this);
    this.bootstrap = s.protocol().bootstrap();
    boolean forcedLoss = s.forced().stream().anyMatch(f -> f.kind() == ForcedFault.Kind.FLEET_LOSS);
    // Drawn up front from the fleet stream, so both strategies get the same world.
    double lossDraw = fleetRandom.nextDouble();
    this.fleetLossPlanned = forcedLoss || lossDraw < s.faults().fleetLoss();
    this.fleetLossAfterComplete = forcedLoss || fleetRandom.nextBoolean();
    this.fleetLossDelay = fleetRandom.nextLong(60_001);
  }

  RunResult run() {
    long window = s.fleet().launchWindow().toMillis();
    for (int i = 0; i < s.nodes(); i++) {
      Node n = newNode(fleetRandom, 1, uniform(fleetRandom, 0, window), freshAddress(fleetRandom));
      fleet1Addresses.add(n.addressBits);
      pendingFleet1Launches++;
      schedule(n.launchAt, Kind.LAUNCH, n, 0);
    }
    if (fleetLossPlanned) {
      long at =
          fleetLossAfterComplete
              // Fallback if the first fleet never completes (naive split brain).
              ? window + s.fleet().viewLag().toMillis() + s.fleet().bootMax().toMillis() + 300_000
              : window + fleetLossDelay;
      schedule(at, Kind.FLEET_LOSS, null, 0);
    }
    while (!queue.isEmpty()) {
      Event e = queue.peek();
      if (e.time > disturbedAt + s.protocol().l1Bound().toMillis()) {
        break;
      }
      queue.poll();
      if (e.kind != Kind.STEP) {
        pendingOther--;
      }
      clock.set(e.time);
      dispatch(e);
      check();
      if (pendingOther == 0 && working == 0) {
        break;
      }
    }
    return result();
  }

  // ------------------------------------------------------------------------------------------
  // Events

  private void schedule(long at, Kind kind, Node n, int epoch) {
    queue.add(new Event(at, seq++, kind, n, epoch));
    if (kind != Kind.STEP) {
      pendingOther++;
    }
  }

  private void dispatch(Event e) {
    switch (e.kind) {
      case LAUNCH -> launch(e.node);
      case BOOT -> boot(e.node);
      case STEP -> step(e.node, e.epoch);
      case RESTART -> restart(e.node, e.epoch);
      case RERUN -> rerun(e.node);
      case TERMINATE -> terminate(e.node, "fleet loss");
      case REPLACE -> replace(e.node);
      case FLEET_LOSS -> fleetLoss();
      case FLEET2 -> launchFleet2();
    }
  }

  private Node newNode(SplittableRandom r, int fleet, long launchAt, int addressBits) {
    long boot =
        launchAt + uniform(r, s.fleet().bootMin().toMillis(), s.fleet().bootMax().toMillis());
    String id = String.format("i-0%016x", r.nextLong());
    Node n =
        new Node(
            created++,
            id,
            addressBits,
            IpLiteral.parse(addressText(addressBits)),
            fleet,
            launchAt,
            boot);
    List<Op> points = Op.FAULT_POINTS;
    if (r.nextDouble() < s.faults().crash()) {
      n.crashPlan = new Node.FaultPlan(points.get(r.nextInt(points.size())), r.nextBoolean());
    }
    if (r.nextDouble() < s.faults().terminate()) {
      n.terminatePlan = new Node.FaultPlan(points.get(r.nextInt(points.size())), r.nextBoolean());
    }
    return n;
  }

  private int created;

  private int pendingFleet1Launches;

  private void launch(Node n) {
    trace(
        n,
        "launched (fleet "
            + n.fleet
            + ", boots at "
            + n.bootAt / 1000.0
            + "s"
            + (n.crashPlan == null ? "" : ", will crash at " + n.crashPlan)
            + (n.terminatePlan == null ? "" : ", will be terminated at " + n.terminatePlan)
            + ")");
    if (n.fleet == 1 && n.index < s.nodes()) {
      pendingFleet1Launches--;
    }
    nodes.add(n);
    // Discovery lists instances in address order, so the election's sort is a linear pass.
    int at = java.util.Collections.binarySearch(byAddress, n, BY_ADDRESS);
    byAddress.add(at < 0 ? -at - 1 : at, n);
    liveByAddress.put(n.addressBits, n);
    liveCount++;
    if (n.fleet == 1) {
      liveFleet1++;
    }
    disturb(n.launchAt + s.fleet().viewLag().toMillis());
    disturb(n.bootAt);
    schedule(n.bootAt, Kind.BOOT, n, 0);
  }

  private void boot(Node n) {
    if (!n.alive()) {
      return;
    }
    n.booted = true;
    working++;
    startAgent(n);
  }

  private void startAgent(Node n) {
    n.agent =
        strategy == Strategy.MUSTER
            ? joinFlow(n)::step
            : new NaiveAgent(
                n, discovery(n), clusters, clusters.adapter(n, true), s.protocol().naiveRetry());
    schedule(clock.now(), Kind.STEP, n, n.epoch);
  }

  private JoinFlow joinFlow(Node n) {
    Supplier<String> ids = () -> "gen-" + seed + "-" + (++clusterIdCounter);
    return new JoinFlow(
        bootstrap,
        n.identity,
        discovery(n),
        store.forNode(n),
        clusters.adapter(n, false),
        new HookedState(n),
        clock,
        new Backoff(bootstrap.interval(), bootstrap.backoffCap(), backoffRandom.split()),
        ids,
        listener);
  }

  private SimDiscovery discovery(Node n) {
    return new SimDiscovery(
        n,
        api,
        faults,
        this::visibleTo,
        s.aws().discovery().equals("asg"),
        s.aws().pageSize(),
        s.nodes());
  }

  private void step(Node n, int epoch) {
    if (!n.alive() || n.epoch != epoch || n.agent == null || n.done || n.failed) {
      return;
    }
    n.stepCost = 0;
    steps++;
    StepResult r;
    current = n;
    try {
      r = n.agent.step();
    } catch (Faults.Crash c) {
      trace(n, "CRASHED mid-step");
      crash(n);
      return;
    } catch (Faults.Terminated t) {
      return;
    } finally {
      current = null;
    }
    long now = clock.now();
    trace(n, "step -> " + r);
    if (r instanceof StepResult.Retry retry) {
      schedule(now + n.stepCost + retry.after().toMillis(), Kind.STEP, n, n.epoch);
    } else if (r instanceof StepResult.Done) {
      n.done = true;
      n.doneAt = now + n.stepCost;
      n.agent = null;
      working--;
      if (strategy == Strategy.MUSTER
          && s.faults().rerun() > 0
          && rerunRandom.nextDouble() < s.faults().rerun()) {
        schedule(n.doneAt + uniform(rerunRandom, 1_000, 60_000), Kind.RERUN, n, 0);
      }
    } else {
      n.failed = true;
      n.failure = r.message();
      n.agent = null;
      working--;
      event("agent-failed");
    }
  }

  private void crash(Node n) {
    n.epoch++;
    n.agent = null;
    long at =
        clock.now()
            + n.stepCost
            + uniform(eventRandom, 1_000, s.faults().restartDelay().toMillis());
    disturb(at);
    schedule(at, Kind.RESTART, n, n.epoch);
  }

  private void restart(Node n, int epoch) {
    if (!n.alive() || n.epoch != epoch) {
      return;
    }
    trace(n, "agent restarted");
    event("agent-restarted");
    startAgent(n);
  }

  /** S3: {@code muster join} again on a finished member must verify and change nothing. */
  private void rerun(Node n) {
    if (!n.alive()) {
      return;
    }
    s3Checks++;
    int before = n.formCalls + n.joinCalls;
    n.inRerun = true;
    n.stepCost = 0;
    StepResult r;
    current = n;
    try {
      r = joinFlow(n).step();
    } finally {
      n.inRerun = false;
      current = null;
    }
    trace(n, "S3 re-run -> " + r);
    boolean touched = n.formCalls + n.joinCalls != before;
    if (!(r instanceof StepResult.Done d) || d.changed() || touched) {
      violations.add(
          new RunResult.Violation(
              "S3",
              clock.now(),
              n
                  + " re-ran muster join as a member: "
                  + r
                  + (touched ? "; it called the adapter's form/join" : "")));
    }
  }

  @Override
  public void damageFormation(Node n) {
    store.damageCurrentFormation();
  }

  @Override
  public void terminate(Node n, String why) {
    if (!n.alive()) {
      return;
    }
    long now = clock.now();
    trace(n, "TERMINATED (" + why + ")");
    n.terminatedAt = now;
    if (n.booted && !n.done && !n.failed) {
      working--;
    }
    n.agent = null;
    n.epoch++;
    clusters.kill(n);
    if (liveByAddress.get(n.addressBits) == n) {
      liveByAddress.remove(n.addressBits);
    }
    liveCount--;
    if (n.fleet == 1) {
      liveFleet1--;
    }
    event("terminated");
    disturb(now + s.fleet().stale().toMillis());
    if (fleetLossStarted && n.fleet == 1) {
      if (liveFleet1 == 0 && !fleet2Launched) {
        fleet2Launched = true;
        schedule(now + uniform(eventRandom, 5_000, 30_000), Kind.FLEET2, null, 0);
      }
    } else {
      long max = s.fleet().replaceDelay().toMillis();
      schedule(now + uniform(eventRandom, max / 3, max), Kind.REPLACE, n, 0);
    }
  }

  private void replace(Node old) {
    if (fleetLossStarted && old.fleet == 1) {
      return;
    }
    boolean reuse =
        eventRandom.nextDouble() < s.fleet().addressReuse()
            && !liveByAddress.containsKey(old.addressBits);
    int address = reuse ? old.addressBits : freshAddress(eventRandom);
    Node n = newNode(eventRandom, old.fleet, clock.now(), address);
    event(reuse ? "replaced-same-address" : "replaced");
    launch(n);
  }

  private void fleetLoss() {
    if (fleetLossStarted) {
      return;
    }
    if (pendingFleet1Launches > 0) {
      // The whole first fleet is lost, so wait until all of it has launched.
      schedule(clock.now() + 5_000, Kind.FLEET_LOSS, null, 0);
      return;
    }
    fleetLossStarted = true;
    faults.count("fleet loss");
    List<Node> victims = new ArrayList<>();
    for (Node n : nodes) {
      if (n.fleet == 1 && n.alive()) {
        victims.add(n);
      }
    }
    for (Node n : victims) {
      schedule(clock.now() + uniform(eventRandom, 0, 20_000), Kind.TERMINATE, n, 0);
    }
    if (victims.isEmpty()) {
      fleet2Launched = true;
      schedule(clock.now() + uniform(eventRandom, 5_000, 30_000), Kind.FLEET2, null, 0);
    }
  }

  private void launchFleet2() {
    fleet2ClustersBefore = clusters.all().size();
    long window = s.fleet().launchWindow().toMillis();
    List<Integer> reusable = new ArrayList<>(fleet1Addresses);
    for (int i = 0; i < s.nodes(); i++) {
      int address;
      if (!reusable.isEmpty() && fleetRandom.nextDouble() < s.fleet().addressReuse()) {
        address = reusable.remove(fleetRandom.nextInt(reusable.size()));
        if (liveByAddress.containsKey(address)) {
          address = freshAddress(fleetRandom);
        }
      } else {
        address = freshAddress(fleetRandom);
      }
      Node n = newNode(fleetRandom, 2, clock.now() + uniform(fleetRandom, 0, window), address);
      schedule(n.launchAt, Kind.LAUNCH, n, 0);
    }
  }

  // ------------------------------------------------------------------------------------------
  // The world as nodes see it

  private Node liveAt(Peer p) {
    byte[] b = p.address().getAddress();
    if (b.length != 4) {
      return null;
    }
    return liveByAddress.get(bits(b));
  }

  /** Node {@code o}'s discovery view now: lagging per pair, with stale entries for the dead. */
  private List<Peer> visibleTo(Node o) {
    long now = clock.now();
    long lagMax = s.fleet().viewLag().toMillis();
    long staleMax = s.fleet().stale().toMillis();
    List<Peer> out = new ArrayList<>();
    for (Node i : byAddress) {
      if (now < i.launchAt + pairDelay(o, i, 1, lagMax)) {
        continue;
      }
      if (!i.alive() && now >= i.terminatedAt + pairDelay(o, i, 2, staleMax)) {
        continue;
      }
      out.add(i.peer);
    }
    return out;
  }

  /** The delay, uniform in [0, max], for the pair (observer, instance); fixed for the run. */
  private long pairDelay(Node o, Node i, long salt, long max) {
    if (max <= 0) {
      return 0;
    }
    long h =
        mix(
            seed * 0x9E3779B97F4A7C15L
                + o.index * 0xC2B2AE3D27D4EB4FL
                + i.index * 0x165667B19E3779F9L
                + salt * 0x27D4EB2F165667C5L);
    return Math.floorMod(h, max + 1);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** When every live node could first see every live node, with no stale entry left. */
  private long visibleAt() {
    long lagMax = s.fleet().viewLag().toMillis();
    long staleMax = s.fleet().stale().toMillis();
    long t = 0;
    for (Node o : nodes) {
      if (!o.alive()) {
        continue;
      }
      t = Math.max(t, o.bootAt);
      for (Node i : nodes) {
        if (i.alive()) {
          t = Math.max(t, i.launchAt + pairDelay(o, i, 1, lagMax));
        } else {
          long seenFrom = i.launchAt + pairDelay(o, i, 1, lagMax);
          long seenUntil = i.terminatedAt + pairDelay(o, i, 2, staleMax);
          if (seenFrom < seenUntil) {
            t = Math.max(t, seenUntil);
          }
        }
      }
    }
    return t;
  }

  private int freshAddress(SplittableRandom r) {
    // 10.0.0.0/16, never .0 or .255 in the last octet; distinct within the run.
    while (true) {
      int host = r.nextInt(256, 65_535);
      if ((host & 0xff) == 0 || (host & 0xff) == 255) {
        continue;
      }
      int bits = (10 << 24) | host;
      if (usedAddresses.add(bits)) {
        return bits;
      }
    }
  }

  private static String addressText(int bits) {
    return ((bits >>> 24) & 0xff)
        + "."
        + ((bits >>> 16) & 0xff)
        + "."
        + ((bits >>> 8) & 0xff)
        + "."
        + (bits & 0xff);
  }

  private static int bits(byte[] b) {
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  private static long uniform(SplittableRandom r, long min, long max) {
    return max <= min ? min : min + r.nextLong(max - min + 1);
  }

  private void disturb(long at) {
    disturbedAt = Math.max(disturbedAt, at);
  }

  // ------------------------------------------------------------------------------------------
  // Checks

  private void check() {
    if (trace != null) {
      String now = clusters.live().toString();
      if (!now.equals(lastClusters)) {
        lastClusters = now;
        trace(null, "clusters: " + now);
      }
    }
    if (clusters.liveClusters() > 1 && !s1Seen) {
      s1Seen = true;
      violations.add(
          new RunResult.Violation(
              "S1",
              clock.now(),
              clusters.liveClusters() + " clusters with live members: " + clusters.live()));
    }
    boolean now = isComplete();
    if (now && !complete) {
      completeAt = clock.now();
      if (fleetLossPlanned && fleetLossAfterComplete && !fleetLossScheduled && !fleetLossStarted) {
        fleetLossScheduled = true;
        schedule(clock.now() + fleetLossDelay, Kind.FLEET_LOSS, null, 0);
      }
    }
    complete = now;
  }

  private String lastClusters = "";

  private boolean isComplete() {
    if (liveCount == 0 || clusters.liveClusters() != 1) {
      return false;
    }
    List<SimClusters.Cluster> all = clusters.all();
    for (int i = all.size() - 1; i >= 0; i--) {
      SimClusters.Cluster c = all.get(i);
      if (!c.members.isEmpty()) {
        return c.members.size() == liveCount;
      }
    }
    return false;
  }

  @Override
  public void s2Violation(Node n, String detail) {
    violations.add(new RunResult.Violation("S2", clock.now(), detail));
  }

  private RunResult result() {
    long end = clock.now();
    long visible = visibleAt();
    int largest = 0;
    for (SimClusters.Cluster c : clusters.live()) {
      largest = Math.max(largest, c.members.size());
    }
    boolean done = complete && working == 0;
    if (!done) {
      List<String> stuck = new ArrayList<>();
      for (Node n : nodes) {
        if (n.alive() && (n.cluster == null || !n.done) && stuck.size() < 3) {
          Optional<NodeState.StepRecord> last = n.state.lastStep();
          stuck.add(
              n
                  + (n.failed ? " failed: " + n.failure : "")
                  + last.map(l -> " last decision " + l.decision() + ": " + l.reason()).orElse(""));
        }
      }
      violations.add(
          new RunResult.Violation(
              "L1",
              end,
              "after "
                  + Duration.ofMillis(end).toSeconds()
                  + "s, "
                  + largest
                  + " of "
                  + liveCount
                  + " live nodes are in the largest cluster ("
                  + clusters.liveClusters()
                  + " live clusters); "
                  + String.join("; ", stuck)));
    }
    if (fleetLossStarted) {
      // Clusters the second fleet made that did not simply die with their members.
      int made = 0;
      List<SimClusters.Cluster> all = clusters.all();
      for (int i = Math.max(0, fleet2ClustersBefore); i < all.size(); i++) {
        if (!all.get(i).diedWithItsMembers) {
          made++;
        }
      }
      if (!fleet2Launched || made != 1 || !done) {
        violations.add(
            new RunResult.Violation(
                "L2",
                end,
                "after the first fleet was lost the second fleet "
                    + (fleet2Launched ? "made " + made + " lasting cluster(s)" : "never launched")
                    + (done ? "" : " and did not complete")));
      }
    }
    return new RunResult(
        strategy,
        index,
        seed,
        nodes.size(),
        liveCount,
        largest,
        clusters.all().size(),
        clusters.liveClusters(),
        fleetLossStarted,
        visible,
        complete ? completeAt : -1,
        complete ? Math.max(0, completeAt - visible) : -1,
        end,
        violations,
        api.calls(),
        api.throttled(),
        api.errors(),
        faults.counts(),
        events,
        s3Checks,
        steps);
  }

  private void event(String kind) {
    events.merge(kind, 1, Integer::sum);
  }

  private final StepListener listener =
      new StepListener() {
        @Override
        public void decided(NodeState.StepRecord step) {
          trace(current, "decided " + step.decision() + ": " + step.reason());
        }

        @Override
        public void event(String kind, String message) {
          SimRun.this.event(kind);
          trace(current, kind + ": " + message);
        }
      };

  /** The node's own state, with crash points around writing its membership. */
  private final class HookedState implements NodeState {
    private final Node n;

    HookedState(Node n) {
      this.n = n;
    }

    @Override
    public Optional<Membership> membership() {
      return n.state.membership();
    }

    @Override
    public void saveMembership(Membership m) throws IOException {
      faults.before(n, Op.SAVE_MEMBERSHIP);
      n.state.saveMembership(m);
      faults.after(n, Op.SAVE_MEMBERSHIP);
    }

    @Override
    public void clearMembership() {
      n.state.clearMembership();
    }

    @Override
    public void saveLastStep(StepRecord step) {
      n.state.saveLastStep(step);
    }

    @Override
    public Optional<StepRecord> lastStep() {
      return n.state.lastStep();
    }
  }
}
