package io.muster.bootstrap;

import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.election.AddressOrder;
import io.muster.model.Peer;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps one node's discovery view and decides when to ask discovery again. Every node of a fleet
 * shares the account's cloud API request buckets (EC2: a burst of 100 describe calls, refilled at
 * 20 per second; Auto Scaling's is smaller), so a fleet of a thousand nodes that each polled every
 * interval would be throttled and never form (found by the simulation). The rules:
 *
 * <ul>
 *   <li>Listing ({@link Discovery#list()}) is the cheap pass; a decision to form is re-taken on an
 *       authoritative pass ({@link Discovery#discover()}), and instances that pass left out stay
 *       out of later listings.
 *   <li>A node of rank k in its view (1 = lowest address, the seed) lists again only after k
 *       intervals (capped; once a cluster exists, every step while it is not in its own view): the
 *       seed every step, so it can tell its view is stable; the runner-up within two intervals, so
 *       it notices a seed that died before forming; the whole fleet about ln(n) times per interval
 *       instead of n times.
 *   <li>When the store's formation changes, a waiting node needs a fresh view before it joins. In a
 *       view larger than EC2's burst (100), each node takes it at a random moment within {@code (n
 *       - 100) / discovery.fleet-rate} seconds, so the fleet stays under the bucket's refill.
 *   <li>A node of rank 2 or 3 takes an authoritative pass at least every {@code
 *       election.replace-after}: a lower node that the listing shows but that may not form (an Auto
 *       Scaling instance in Standby) would otherwise be waited for forever.
 * </ul>
 */
final class ViewKeeper {
  /** EC2's documented burst for describe calls: views up to this size need no spreading. */
  static final int BURST = 100;

  /** Where a view came from. */
  enum Source {
    CACHED,
    LISTED,
    AUTHORITATIVE
  }

  record View(List<Peer> peers, Source source) {}

  /** This step's view, or how long to wait before the next step (spreading the fleet's calls). */
  record Next(View view, Duration deferFor) {
    boolean deferred() {
      return view == null;
    }
  }

  private final Discovery discovery;
  private final Peer self;
  private final BootstrapSettings settings;
  private final Backoff backoff;

  private List<Peer> cached;
  private Instant cachedAt;
  private String cachedStoreState;
  private Source cachedSource;
  private Set<String> excluded = Set.of();
  private Instant excludedUntil;
  private Instant lastAuthoritative;
  private String deferredState;
  private Instant deferUntil;
  private Set<InetAddress> stableSet;
  private Instant stableSince;

  ViewKeeper(Discovery discovery, Peer self, BootstrapSettings settings, Backoff backoff) {
    this.discovery = discovery;
    this.self = self;
    this.settings = settings;
    this.backoff = backoff;
  }

  /**
   * The view for a step at {@code now}.
   *
   * @param storeState the store's current formation ("" for none); a change is a fleet-wide event
   * @param formedViewSize the size of the founder's view recorded with the formation (0: unknown)
   * @param joinable whether the last decision saw a cluster this node could join (a live member or
   *     the founder of the current generation in view)
   */
  Next next(String storeState, int formedViewSize, boolean joinable, Instant now)
      throws DiscoveryException {
    return next(storeState, formedViewSize, null, joinable, now);
  }

  /**
   * @param formedAt when the store's current formation was claimed (the founder's clock), or null:
   *     the fleet's window for reacting to it is counted from then ({@link #spreadMoment})
   */
  Next next(String storeState, int formedViewSize, Instant formedAt, boolean joinable, Instant now)
      throws DiscoveryException {
    if (lastAuthoritative == null) {
      lastAuthoritative = now; // counts from this flow's start, like the orphan timer
    }
    if (cached == null) {
      return new Next(list(storeState, now), null);
    }
    int rank = rank();
    if (rank > 1 && rank <= 3 && !now.isBefore(lastAuthoritative.plus(replaceAfter()))) {
      return new Next(authoritative(storeState, now), null);
    }
    if (!renewed
        && !storeState.equals(cachedStoreState)
        && formedAt != null
        && formedAt.isBefore(cachedAt)) {
      // The kept view was taken after that formation (a node that listed before its first read of
      // the store): it is no older than the event, so there is nothing to re-list for. (A new
      // fleet booting next to a lost fleet's records re-listed at its first read, a thousand
      // listings in half a minute: found by the simulation, seed 602.)
      cachedStoreState = storeState;
    }
    if (!storeState.equals(cachedStoreState) && rank > 1) {
      // A waiting node's own view may be old and small: the founder's is the better fleet size.
      Duration window = spreadWindow(Math.max(cached.size(), formedViewSize));
      if (!window.isZero()) {
        if (!storeState.equals(deferredState)) {
          deferredState = storeState;
          deferUntil =
              renewed ? renewalMoment(window, formedAt, now) : spreadMoment(window, formedAt, now);
          renewed = false;
        }
        if (now.isBefore(deferUntil)) {
          return new Next(null, Duration.between(now, deferUntil));
        }
      }
      return new Next(list(storeState, now), null);
    }
    if (storeState.equals(cachedStoreState)
        && now.isBefore(cachedAt.plus(reuseFor(rank, joinable)))) {
      // Younger than an interval, a view is as current as a new call could make it (a retry after
      // a failed join acts on it); older, it is only good for deciding to wait.
      boolean recent = now.isBefore(cachedAt.plus(settings.interval()));
      return new Next(new View(cached, recent ? cachedSource : Source.CACHED), null);
    }
    return new Next(list(storeState, now), null);
  }

  /**
   * Treats the kept view as taken before a fleet-wide event (a change in the store that the store
   * state passed to {@link #next} does not show): the next step re-lists, spread like a new
   * formation.
   */
  void renew() {
    cachedStoreState = null;
    deferredState = null;
    renewed = true;
  }

  /** Whether the next deferral reacts to {@link #renew} ({@link #renewalMoment}). */
  private boolean renewed;

  /**
   * This node's moment for reacting to {@link #renew} (the founder finished forming late): in what
   * is left of the formation's window, so a founder that restarted after a crash does not add a
   * whole window to the fleet's formation (found by the simulation: 327 s instead of 207 s at 1,000
   * nodes), but over at least half a window from now, since every node that waited for the founder
   * reacts to the same event at once.
   */
  private Instant renewalMoment(Duration window, Instant formedAt, Instant now) {
    Duration left =
        formedAt == null || formedAt.isAfter(now)
            ? window
            : window.minus(Duration.between(formedAt, now));
    Duration half = window.dividedBy(2);
    return now.plus(backoff.spread(left.compareTo(half) > 0 ? left : half));
  }

  /**
   * This node's moment in the fleet's {@code window} for reacting to a formation claimed at {@code
   * formedAt}. Counted from the formation, not from when this node noticed it: a waiting node of a
   * paced fleet reads the formation record up to 1.5 watch periods after it changed (150 s at 1,000
   * nodes), and a window counted from each node's noticing added that delay to the fleet's last
   * join (p99 341 s at 1,000 nodes, found by the simulation). A node whose moment has passed by the
   * time it noticed takes a new one in what is left of the window (or now, when nothing is left),
   * so the late ones do not all act at once. Without a usable formation time (unknown, or in this
   * node's future by clock skew), counted from now.
   */
  private Instant spreadMoment(Duration window, Instant formedAt, Instant now) {
    Duration slot = backoff.spread(window);
    if (formedAt == null || formedAt.isAfter(now)) {
      return now.plus(slot);
    }
    Instant moment = formedAt.plus(slot);
    if (!moment.isBefore(now)) {
      return moment;
    }
    Duration left = window.minus(Duration.between(formedAt, now));
    return left.isNegative() ? now : now.plus(backoff.spread(left));
  }

  /** A fresh listing, for acting on a decision taken on a cached view. */
  View list(String storeState, Instant now) throws DiscoveryException {
    List<Peer> listed = discovery.list();
    return keep(withoutExcluded(listed, now), Source.LISTED, storeState, now);
  }

  /**
   * An authoritative pass. What it leaves out of the kept listing stays out of listings for {@code
   * election.replace-after} (until the next check of a node ranked 2 or 3): an instance in Standby
   * does not become the seed of this node's listings again.
   */
  View authoritative(String storeState, Instant now) throws DiscoveryException {
    List<Peer> full = discovery.discover();
    lastAuthoritative = now;
    if (cached != null) {
      Set<String> kept =
          full.stream().map(Peer::instanceId).filter(id -> id != null).collect(Collectors.toSet());
      Set<String> out = new HashSet<>();
      Set<InetAddress> outAddresses = new HashSet<>();
      for (Peer p : cached) {
        // Only instances with ids: an address-only peer (static, dns) that was briefly missing must
        // not be hidden when it comes back.
        if (p.instanceId() != null && !kept.contains(p.instanceId())) {
          out.add(p.instanceId());
          outAddresses.add(p.address());
        }
      }
      excluded = out;
      excludedUntil = now.plus(replaceAfter());
      if (cachedAt.equals(now) && stableSet != null && !outAddresses.isEmpty()) {
        // Listed at this same moment: the listing has been unchanged, so its part that the
        // authoritative pass admits has been too. Leaving out, say, a Pending instance must not
        // restart the stability wait.
        Set<InetAddress> admitted = new HashSet<>(stableSet);
        admitted.removeAll(outAddresses);
        stableSet = admitted;
      }
    }
    return keep(full, Source.AUTHORITATIVE, storeState, now);
  }

  /** How long the kept view's set of addresses has been unchanged at {@code now}. */
  Duration unchangedFor(Instant now) {
    if (stableSince == null) {
      return Duration.ZERO;
    }
    Duration d = Duration.between(stableSince, now);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** 1 + the number of peers in the kept view with a lower address than this node. */
  int rank() {
    int lower = 0;
    for (Peer p : cached) {
      if (AddressOrder.INSTANCE.compare(p.address(), self.address()) < 0) {
        lower++;
      }
    }
    return lower + 1;
  }

  /**
   * The spreading window for a fleet-wide reaction in a view of {@code size}: the larger of what
   * keeps the fleet's describe calls under {@code discovery.fleet-rate} and what keeps its joins'
   * store requests under {@code store.fleet-rate} ({@link #storeWindow}).
   */
  Duration spreadWindow(int size) {
    int over = size - BURST;
    Duration describe =
        over <= 0
            ? Duration.ZERO
            : Duration.ofMillis((long) Math.ceil(over * 1000.0 / settings.fleetRate()));
    Duration store = storeWindow(settings, size);
    return store.compareTo(describe) > 0 ? store : describe;
  }

  /**
   * Store requests one join takes: the founder's record with the credentials (one SSM
   * GetParameters), the JOINING registration, the MEMBER registration, and one to spare for a
   * retry. (Seven before registrations stopped being read back and the two reads became one.)
   */
  static final int JOIN_REQUESTS = 4;

  /**
   * How long a fleet of {@code size} needs for its joins' store requests at {@code
   * store.fleet-rate}; zero for a fleet small enough that its waiting nodes read the store at every
   * step ({@link #paced}).
   */
  static Duration storeWindow(BootstrapSettings settings, int size) {
    if (!paced(settings, size)) {
      return Duration.ZERO;
    }
    return Duration.ofMillis(
        (long) Math.ceil(size * JOIN_REQUESTS * 1000.0 / settings.storeRate()));
  }

  /**
   * Whether a fleet of {@code size} paces its store reads: each waiting node reads the formation
   * record once per {@link #watchPeriod}, which only matters when that is longer than an interval.
   */
  static boolean paced(BootstrapSettings settings, int size) {
    return watchPeriod(settings, size).compareTo(settings.interval()) > 0;
  }

  /**
   * How often a waiting node of a fleet of {@code size} reads the formation record, on average: the
   * fleet's reads then take half of {@code store.fleet-rate}, the other half is for its joins.
   */
  static Duration watchPeriod(BootstrapSettings settings, int size) {
    return Duration.ofMillis((long) Math.ceil(size * 2 * 1000.0 / settings.storeRate()));
  }

  /**
   * How often a waiting node of a fleet of {@code size} reads the store in a light-joining fleet
   * ({@link JoinFlow}): each node once per period at its own slot, so the fleet's reads take {@code
   * store.fleet-rate}, and the read that sees the formation is also the join's read. At 1,000 nodes
   * and 20 requests/s, 50 s: every node has joined within one period of the formation.
   */
  static Duration lightPeriod(BootstrapSettings settings, int size) {
    return Duration.ofMillis((long) Math.ceil(size * 1000.0 / settings.storeRate()));
  }

  /** The kept view (null before the first), whatever its age: for a join the target proves. */
  List<Peer> kept() {
    return cached;
  }

  /** The size of the kept view (0 before the first). */
  int size() {
    return cached == null ? 0 : cached.size();
  }

  private Duration reuseFor(int rank, boolean joinable) {
    if (rank <= 1 || (joinable && !selfInView())) {
      // The seed watches its view for stability. With a cluster to join in view, a view without
      // this node cannot be joined on; the node shows up within the discovery lag. Otherwise a
      // node with a lower address in view only waits, in its view or not: at 1,000 nodes, listing
      // at every step until it showed up was a fifth of the boot's describe calls and, with
      // crashes restarting agents on top, emptied EC2's bucket; so did a new fleet's boot next to
      // the store record of a lost fleet's generation, which it can only wait out (found by the
      // simulation, seeds 263 and 602).
      return Duration.ZERO;
    }
    Duration cap =
        settings.backoffCap().multipliedBy(Math.max(1, (cached.size() + BURST - 1) / BURST));
    Duration byRank = settings.interval().multipliedBy(rank);
    return byRank.compareTo(cap) < 0 ? byRank : cap;
  }

  private boolean selfInView() {
    for (Peer p : cached) {
      if (p.address().equals(self.address())) {
        return true;
      }
    }
    return false;
  }

  private Duration replaceAfter() {
    return settings.election().replaceAfter();
  }

  private List<Peer> withoutExcluded(List<Peer> listed, Instant now) {
    if (excluded.isEmpty() || !now.isBefore(excludedUntil)) {
      return listed;
    }
    List<Peer> out = new ArrayList<>(listed.size());
    for (Peer p : listed) {
      if (p.instanceId() == null || !excluded.contains(p.instanceId())) {
        out.add(p);
      }
    }
    return out;
  }

  private View keep(List<Peer> peers, Source source, String storeState, Instant now) {
    Set<InetAddress> addresses = peers.stream().map(Peer::address).collect(Collectors.toSet());
    if (!addresses.equals(stableSet)) {
      stableSet = addresses;
      stableSince = now;
    }
    cached = peers;
    cachedSource = source;
    cachedAt = now;
    cachedStoreState = storeState;
    return new View(peers, source);
  }
}
