package io.muster.bootstrap;

import io.muster.adapter.AdapterException;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.JoinResult;
import io.muster.adapter.LocalMembership;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationAndCredentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberAndCredentials;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.StoreException;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.election.ClusterState;
import io.muster.election.Decision;
import io.muster.election.Election;
import io.muster.election.Snapshot;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The formation protocol as a step machine: each {@link #step()} discovers once, reads the store,
 * decides (pure {@link Election}) and acts, and returns when to step again. It never sleeps, so the
 * CLI loop and the simulation's virtual clock drive the same code.
 *
 * <p>Safety rests on: an atomic create-if-absent claim per generation, read back before acting (a
 * write the store lost is never acted on); joining only through registered members that are in the
 * view under the same instance id; joiners registering as JOINING before they join, which blocks
 * the replacement of their generation; and a former member never forming (see docs/formation.md).
 */
public final class JoinFlow {
  private final BootstrapSettings settings;
  private final NodeIdentity self;
  private final Discovery discovery;
  private final CredentialStore store;
  private final ClusterAdapter adapter;
  private final NodeState state;
  private final Clock clock;
  private final Backoff backoff;
  private final Supplier<String> clusterIds;
  private final StepListener listener;

  private final ViewKeeper views;
  private List<MemberRecord> keptMembers;
  private String membersState;
  private String awaitingFounder;
  private boolean membersComplete;

  /**
   * The generation this flow's adapter.join went through for (-1: none): the node may be inside
   * that generation's cluster from then on, even when a later step fails.
   */
  private long joinedGeneration = -1;

  /** The cluster id of {@link #joinedGeneration}'s cluster, as the join was proven against. */
  private String joinedClusterId;

  /**
   * Whether the kept formation record is a stand-in for a damaged one ({@link #damagedStandIn}):
   * its generation is known from the record's name, nothing else.
   */
  private boolean formationDamaged;

  /** The member the join of {@link #joinedGeneration} went through, as the adapter reported it. */
  private JoinResult joinedThrough;

  /** Whether the store may hold a JOINING record of this node (unknown at the start). */
  private boolean ownJoiningUnknown = true;

  /** The credentials read with the founder's record ({@link #readMembers}), for this step only. */
  private Credentials keptCredentials;

  private long keptCredentialsGeneration = -1;
  private Instant keptCredentialsAt;

  /** When the current step started: what {@link #keptCredentials} is compared with. */
  private Instant stepAt;

  private Instant listedAt;
  private int listingPages = 1;
  private Optional<FormationRecord> keptFormation;
  private Instant formationReadAt;
  private double formationPhase;
  private boolean formationFresh;
  private int formationReads;
  private long orphanGeneration = -1;
  private Instant orphanSince;
  private int failures;
  private boolean joinable;

  /** When a member's check last read the store, and how long until the next one may. */
  private Instant memberStoreReadAt;

  private Duration memberStoreEvery = Duration.ZERO;

  /**
   * The credentials of the generation the last watch read expected ({@link #watchFormation}), and
   * that generation: a light join needs nothing else from the store.
   */
  private Credentials watchedCredentials;

  private long watchedCredentialsGeneration = -1;

  /** The generation whose light join failed in this flow: the full path takes over for it. */
  private long lightJoinFailed = -1;

  /** The generation for which this flow asked the adapter about an unrecorded join. */
  private long unrecordedChecked = -1;

  /** A light join's MEMBER registration, written at {@link #pendingAt} ({@link #finishJoin}). */
  private FormationRecord pendingRegistration;

  private Instant pendingAt;

  /** The fleet's size as the store's hint last said ({@link CredentialStore#putFleetSize}). */
  private int fleetHint;

  /** The largest fleet size this node published as the seed of its view. */
  private int fleetHintPublished;

  public JoinFlow(
      BootstrapSettings settings,
      NodeIdentity self,
      Discovery discovery,
      CredentialStore store,
      ClusterAdapter adapter,
      NodeState state,
      Clock clock,
      Backoff backoff,
      Supplier<String> clusterIds,
      StepListener listener) {
    this.settings = settings;
    this.self = self;
    this.discovery = discovery;
    this.store = store;
    this.adapter = adapter;
    this.state = state;
    this.clock = clock;
    this.backoff = backoff;
    this.clusterIds = clusterIds;
    this.listener = listener;
    this.views = new ViewKeeper(discovery, self.asPeer(), settings, backoff);
  }

  /** Said of a failure no retry can fix (access denied): fail now, with the fix. */
  private static final String NOT_RETRIED = " (not retried: no retry can fix this)";

  /** One pass. Never throws for operational failures: they become Retry or Failed. */
  public StepResult step() {
    try {
      StepResult r = doStep();
      if (!(r instanceof StepResult.Retry) || r.message().startsWith("waiting:")) {
        failures = 0;
      }
      return r;
    } catch (DiscoveryException e) {
      return e.permanent()
          ? new StepResult.Failed("discovery failed: " + e.getMessage() + NOT_RETRIED)
          : retryAfterFailure("discovery-error", "discovery failed: " + e.getMessage());
    } catch (StoreException e) {
      String m = "credential store " + store.describe() + ": " + e.getMessage();
      return e.permanent()
          ? new StepResult.Failed(m + NOT_RETRIED)
          : retryAfterFailure("store-error", m);
    } catch (CredentialsRejectedException e) {
      return new StepResult.Failed(e.getMessage());
    } catch (AdapterException e) {
      return e.retryable()
          ? retryAfterFailure("adapter-error", adapter.name() + ": " + e.getMessage())
          : new StepResult.Failed(adapter.name() + ": " + e.getMessage());
    } catch (IOException e) {
      return new StepResult.Failed("node state: " + e.getMessage());
    }
  }

  /**
   * @param kind the log event (see docs/observability.md): discovery-error, store-error,
   *     adapter-error
   */
  private StepResult retryAfterFailure(String kind, String message) {
    failures++;
    listener.event(kind, message);
    return new StepResult.Retry(backoff.afterFailures(failures), message);
  }

  private StepResult doStep()
      throws DiscoveryException, StoreException, AdapterException, IOException {
    Optional<Membership> mine =
        state.membership().filter(m -> m.cluster().equals(settings.cluster()));
    if (mine.isPresent()
        && pendingRegistration != null
        && mine.get().generation() == pendingRegistration.generation()) {
      return registerPending();
    }
    if (mine.isPresent()) {
      Optional<StepResult> done = verifyExisting(mine.get());
      if (done.isPresent()) {
        return done.get();
      }
    }
    Instant now = clock.instant();
    stepAt = now;
    planFirstRead(now);
    Optional<FormationRecord> formation = watchFormation(now, false);
    Peer selfPeer = self.asPeer();
    String storeState = formation.map(f -> f.generation() + "/" + f.clusterId()).orElse("");
    if (formation.isPresent() && formationFresh && storeState.equals(awaitingFounder)) {
      watchFounder(formation.get());
    }
    Optional<StepResult> lightly = lightJoin(formation);
    if (lightly.isPresent()) {
      return lightly.get();
    }
    if (formation.isPresent()
        && expectedGeneration() > 0
        && recent(formation.get())
        && !formation.get().ownerInstanceId().equals(self.instanceId())) {
      // Claimed, its founder in view, its credentials not published yet: the founder is forming
      // it. The next read at this node's moment brings them; re-listing now and spreading a join
      // over the fleet's window (as a node without light joins does) only delays it (found by the
      // simulation: a founder that crashed in form and finished on restart, 207 s instead of 57).
      // Only within election.replace-after of the claim: after that the full path, which renews
      // the view, takes over (a founder that died before publishing was waited for on a kept
      // view that still showed it, found by the simulation at 100 nodes, seed 20261420).
      FormationRecord f = formation.get();
      return new StepResult.Retry(
          nextPoll(List.of(), true, now),
          "waiting: generation "
              + f.generation()
              + " was claimed by "
              + f.ownerInstanceId()
              + ", which is still in the view; waiting for it to finish forming");
    }
    ViewKeeper.Next next =
        views.next(
            storeState,
            formation.map(FormationRecord::viewSize).orElse(0),
            // A damaged record's stand-in has no claim time (EPOCH): react counted from now.
            formationDamaged ? null : formation.map(FormationRecord::claimedAt).orElse(null),
            joinable,
            now);
    if (next.deferred()) {
      return new StepResult.Retry(
          next.deferFor(),
          "waiting: generation "
              + formation.map(FormationRecord::generation).orElse(0L)
              + " was published; re-discovering in "
              + String.format(java.util.Locale.ROOT, "%.1fs", next.deferFor().toMillis() / 1000.0)
              + " so the fleet's describe calls and store requests stay under discovery.fleet-rate"
              + " and store.fleet-rate");
    }
    ViewKeeper.View taken = next.view();
    publishFleetSize(formation, taken.peers());
    // Members are read after the deferral (with SSM, listing 1,000 members is 100 calls), and a
    // kept view is decided on with the members read alongside it: both only ever lead to a wait.
    boolean keptBoth =
        taken.source() == ViewKeeper.Source.CACHED && storeState.equals(membersState);
    List<MemberRecord> members =
        keptBoth ? keptMembers : readMembers(formation, storeState, taken.peers(), now);
    Decision d = decide(selfPeer, taken.peers(), formation, members, mine, now);
    if (d instanceof Decision.Form && !formationFresh) {
      // Form only on a fresh formation record: the kept one may be a paced read's, long ago. (A
      // join needs none: it goes through a node whose own record, read now, says it is a member,
      // and that node proves its cluster before the join; a join never makes a cluster.)
      Optional<FormationRecord> again = watchFormation(now, true);
      if (!again.equals(formation)) {
        return new StepResult.Retry(
            backoff.poll(), "waiting: the formation record changed since it was last read");
      }
    }
    if (!(d instanceof Decision.Wait) && taken.source() == ViewKeeper.Source.CACHED) {
      // Act only on a fresh view: the cached one may hold a node that is gone.
      taken = views.list(storeState, now);
      if (keptBoth) {
        members = readMembers(formation, storeState, taken.peers(), now);
      }
      d = decide(selfPeer, taken.peers(), formation, members, mine, now);
    }
    if (d instanceof Decision.Form && taken.source() != ViewKeeper.Source.AUTHORITATIVE) {
      // Form only on what discovery admits, not on the cheap listing (see Discovery#list).
      taken = views.authoritative(storeState, now);
      d = decide(selfPeer, taken.peers(), formation, members, mine, now);
    }
    if (d instanceof Decision.Form
        && formation.isPresent()
        && !(membersComplete && listedNow(now))) {
      // Replace a generation only on every member record, read now.
      members = listAllMembers(storeState, now);
      d = decide(selfPeer, taken.peers(), formation, members, mine, now);
    }
    List<Peer> view = taken.peers();
    List<Peer> ranked = Election.rank(view);
    NodeState.StepRecord record =
        new NodeState.StepRecord(
            now,
            d.kind(),
            d.reason(),
            ranked.size(),
            ranked.isEmpty() ? null : ranked.get(0).addressText());
    state.saveLastStep(record);
    listener.decided(record);
    Optional<StepResult> unrecorded = finishUnrecordedJoin(d, formation, members, view, mine);
    if (unrecorded.isPresent()) {
      return unrecorded.get();
    }
    if (d instanceof Decision.Form f && formationDamaged) {
      // Unreachable by the election (a damaged generation is never orphaned), kept as a guard: who
      // claimed it, and whether its founder lives, is unknown.
      return new StepResult.Retry(backoff.poll(), "waiting: " + damagedWait(formation.get()));
    }
    if (d instanceof Decision.Form f) {
      return form(f, formation, ranked);
    }
    if (d instanceof Decision.Join j) {
      FormationRecord rec = formation.orElseThrow();
      if (formationDamaged) {
        Optional<FormationRecord> proven = throughMembers(rec, j, members);
        if (proven.isEmpty()) {
          return new StepResult.Retry(
              backoff.poll(),
              "waiting: "
                  + damagedWait(rec)
                  + "; no live member's record names its cluster id (written by an older muster)");
        }
        rec = proven.get();
      }
      return join(j, rec, ranked);
    }
    if (formation.isPresent() && joinedGeneration == formation.get().generation()) {
      // Inside this generation's cluster already (its members may since have died): finish.
      return finishJoin(joinedAs(formation.get()), List.of(), false);
    }
    Optional<StepResult> finished = Optional.empty();
    if (formationDamaged) {
      // Whether this node's own JOINING record is inside the cluster cannot be finished without
      // the cluster id; the record only blocks a replacement, which a damaged generation never
      // gets anyway.
      boolean selfInView = view.stream().anyMatch(p -> p.address().equals(self.address()));
      return new StepResult.Retry(
          nextPoll(ranked, true, now),
          "waiting: " + (selfInView ? damagedWait(formation.orElseThrow()) : d.reason()));
    } else if (formation.isPresent() && membersComplete) {
      finished = resolveOwnJoining(formation.get(), members);
    } else if (formation.isPresent() && ownJoiningUnknown && formationFresh && formationReads > 1) {
      // A partial read does not show this node's own record: read it once (a JOINING record left
      // by a crash or a lost deregistration blocks the whole fleet), at the second paced read of
      // the formation record rather than the first, so a fleet booting together does not read a
      // thousand records at once (found by the simulation: seed 6 at 1,000 nodes, a new fleet
      // after a fleet loss).
      finished =
          resolveOwnJoining(
              formation.get(), store.member(self.instanceId()).map(List::of).orElse(List.of()));
      ownJoiningUnknown = false;
    }
    if (finished.isPresent()) {
      return finished.get();
    }
    awaitingFounder =
        formation.isPresent()
                && noMemberYet(formation.get(), members)
                && ClusterStates.ownerInView(formation.get(), view)
            ? storeState
            : null;
    return new StepResult.Retry(
        nextPoll(ranked, formation.isPresent(), now), "waiting: " + d.reason());
  }

  /**
   * One poll interval, except for the seed of a view that is not stable yet: it steps again the
   * moment the view would become stable, instead of up to an interval later.
   */
  private Duration nextPoll(List<Peer> ranked, boolean formed, Instant now) {
    Duration poll = backoff.poll();
    if (keptFormation == null && firstReadAt != null && now.isBefore(firstReadAt)) {
      Duration untilRead = Duration.between(now, firstReadAt);
      if (untilRead.compareTo(poll) < 0) {
        return untilRead.plusMillis(1);
      }
    }
    if (keptFormation != null && light()) {
      // Step at this node's read slot, not up to an interval after it.
      Duration untilRead = Duration.between(now, nextFormationRead());
      if (untilRead.compareTo(poll) < 0) {
        return untilRead.isNegative() ? Duration.ofMillis(1) : untilRead.plusMillis(1);
      }
    }
    if (formed || ranked.isEmpty() || !ranked.get(0).address().equals(self.address())) {
      return poll;
    }
    Duration left = settings.election().stableFor().minus(views.unchangedFor(now));
    if (left.isNegative() || left.isZero() || left.compareTo(poll) >= 0) {
      return poll;
    }
    return left.plusMillis(1);
  }

  /**
   * A node that waits for a claimed generation's founder to finish forming decides on kept members
   * and a kept view, which at 1,000 nodes it may keep for ten minutes; the founder registering as a
   * member changes neither the formation record nor anything else this node watches (found by the
   * simulation: the founder crashed after forming, finished on restart, and five nodes joined ten
   * minutes later). So while it waits, it reads the founder's own record, one read; once that shows
   * a member, the kept members are dropped and the view is renewed at a moment spread like any
   * fleet-wide event, since every such waiter learns it within the same interval.
   */
  private void watchFounder(FormationRecord f) throws StoreException {
    if (registeredAs(f.ownerInstanceId(), f.generation(), MemberRecord.Status.MEMBER)) {
      awaitingFounder = null;
      membersState = null;
      views.renew();
      listener.event(
          "founder-registered",
          f.ownerInstanceId()
              + " finished forming generation "
              + f.generation()
              + "; re-reading the members");
    }
  }

  /** Whether no node has registered as a member of {@code f}'s generation yet. */
  private static boolean noMemberYet(FormationRecord f, List<MemberRecord> members) {
    return members.stream()
        .noneMatch(
            m -> m.generation() == f.generation() && m.status() == MemberRecord.Status.MEMBER);
  }

  /**
   * The formation record, read from the store at most once per watch period in a large fleet (every
   * step in a small one, or when {@code fresh}). A thousand waiting nodes that each read it at
   * every step would need 200 requests a second; SSM's standard throughput is 40 for the whole
   * account. Each node reads it at a moment spread around its period, so the fleet's reads take
   * about half of {@code store.fleet-rate}.
   */
  private Optional<FormationRecord> watchFormation(Instant now, boolean fresh)
      throws StoreException {
    if (!fresh && keptFormation != null && now.isBefore(nextFormationRead())) {
      formationFresh = false;
      return keptFormation;
    }
    if (!fresh && keptFormation == null && firstReadAt != null && now.isBefore(firstReadAt)) {
      formationFresh = false;
      return Optional.empty();
    }
    try {
      long expected = fresh ? -1 : expectedGeneration();
      if (expected > 0) {
        readExpected(expected);
      } else {
        readCurrent();
      }
      formationDamaged = false;
    } catch (StoreException e) {
      if (e.damagedFormation() == 0) {
        throw e;
      }
      keptFormation = Optional.of(damagedStandIn(e.damagedFormation()));
      if (!formationDamaged) {
        listener.event(
            "damaged-formation",
            e.getMessage()
                + "; joining only through registered members of generation "
                + e.damagedFormation()
                + " that prove their cluster, never forming or replacing it (repair the record"
                + " or delete it: see docs/formation.md)");
      }
      formationDamaged = true;
    }
    formationFresh = true;
    formationReads++;
    formationReadAt = now;
    // Where in [period / 2, 3 x period / 2] this node reads next: spreads the fleet's reads.
    formationPhase = backoff.spread(Duration.ofSeconds(1)).toMillis() / 1000.0;
    return keptFormation;
  }

  /** This node's phase in [0, 1) of the fleet's read period: a hash of its address. */
  private double readPhase() {
    long z = self.addressText().hashCode() * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }

  /**
   * The generation a light-joining node's watch read asks for with its credentials (one request):
   * the first (nothing formed yet), or the kept one while its founder, in view, has not published
   * the credentials. -1 for a read of the current formation: the first read of a flow, a kept
   * generation whose founder is gone (a newer one may come), or one whose credentials were seen.
   */
  /** When this flow first reads the store (null: not planned yet). */
  private Instant firstReadAt;

  /**
   * A booting node of a large fleet takes its first read at its phase of the fleet's read period
   * instead of at once: a thousand nodes booting within a minute each read at boot on top of the
   * paced reads of those already up, and the booting fleet's reads exceeded SSM's 40/s. So its
   * first step lists first (to know the fleet's size), then reads at its moment; until then it
   * decides on "nothing formed", which only ever waits (a decision to form re-reads the store
   * first). A node that boots into a formed fleet of n joins up to n / store.fleet-rate seconds
   * later (50 s at 1,000).
   */
  private void planFirstRead(Instant now) throws DiscoveryException {
    if (firstReadAt != null || keptFormation != null) {
      return;
    }
    if (!adapter.provesTargets() || state.lastStep().isPresent()) {
      // (An agent that ran before on this node, restarted after a crash or a reboot, reads at
      // once: it may be the founder resuming its claim, which the whole fleet waits for.)
      firstReadAt = now;
      return;
    }
    views.next("", 0, null, false, now);
    int size = fleetSize();
    if (!ViewKeeper.paced(settings, size)) {
      firstReadAt = now;
      return;
    }
    long period = Math.max(1, ViewKeeper.lightPeriod(settings, size).toMillis());
    firstReadAt =
        Instant.ofEpochMilli(ReadSlots.atOrAfter(now.toEpochMilli(), period, readPhase()));
  }

  private long expectedGeneration() {
    if (formationDamaged || !adapter.provesTargets()) {
      return -1;
    }
    if (keptFormation == null || keptFormation.isEmpty()) {
      // Nothing formed yet as far as this flow knows, so the first generation to appear is 1 (a
      // generation is claimed only after its predecessor was seen). A flow's first read asks for
      // it too: on a first boot it is the one request a listing would be, and it brings the
      // credentials, so a node whose first read falls after the formation joins lightly at once;
      // a node that finds an old generation 1 lists the formation records as well.
      return 1;
    }
    if (!light()) {
      return -1;
    }
    FormationRecord f = keptFormation.get();
    if (watchedCredentialsGeneration == f.generation() || !forming(f)) {
      return -1;
    }
    return f.generation();
  }

  /**
   * Whether {@code f} may be a generation still forming now, one a light join may go through:
   * claimed less than {@code election.replace-after} ago, or its founder in the kept view. (Not a
   * lost fleet's generation, whose founder is gone: a new fleet booting next to its records tried
   * its dead founder, each node with a listing, and emptied EC2's bucket; found by the simulation,
   * seed 602.)
   */
  private boolean forming(FormationRecord f) {
    List<Peer> kept = views.kept();
    return recent(f) || (kept != null && ClusterStates.ownerInView(f, kept));
  }

  private boolean recent(FormationRecord f) {
    return f.claimedAt().isAfter(clock.instant().minus(settings.election().replaceAfter()));
  }

  private void readExpected(long expected) throws StoreException {
    boolean first = keptFormation == null;
    FormationAndCredentials read = store.formationAndCredentials(expected);
    keepFleetSize(read);
    if (read.formation().isPresent()) {
      keptFormation = read.formation();
      if (read.credentials().isPresent()) {
        watchedCredentials = read.credentials().get();
        watchedCredentialsGeneration = read.formation().get().generation();
      }
      if (!light() || (first && !recent(read.formation().get()))) {
        // A small fleet decides on the current formation, as before, and so does a flow's first
        // read that found an old generation 1 (a newer one may exist). One claimed less than
        // election.replace-after ago is current: a generation is replaced only after that long
        // with nothing of it in view (and were it not, its founder would not prove its cluster).
        readCurrent();
      }
    } else if (first) {
      keptFormation = Optional.empty();
    } else if (keptFormation.isPresent()) {
      // The kept generation's record is gone (deleted by hand): read what is current.
      readCurrent();
    }
  }

  /** The current formation, with the fleet-size hint where the store lists them together. */
  private void readCurrent() throws StoreException {
    if (!adapter.provesTargets()) {
      keptFormation = store.currentFormation();
      return;
    }
    FormationAndCredentials read = store.currentFormationAndFleetSize();
    keepFleetSize(read);
    keptFormation = read.formation();
  }

  private void keepFleetSize(FormationAndCredentials read) {
    if (read.fleetSize().isPresent()) {
      fleetHint = Math.max(fleetHint, read.fleetSize().getAsInt());
    }
  }

  /**
   * When the kept formation record is due to be read again. Computed at each step from the fleet's
   * size as this node now sees it (its view grows while the fleet boots), so a read taken before
   * the first listing does not set a period for a fleet of one.
   */
  private Instant nextFormationRead() {
    if (formationReadAt == null) {
      // A first read that failed halfway (the record read, the current formation not): read now.
      return Instant.EPOCH;
    }
    int size = fleetSize();
    if (!ViewKeeper.paced(settings, size)) {
      return formationReadAt;
    }
    if (light() && expectedGeneration() > 0) {
      // (Only while a light join is what the read may bring: nothing formed yet, or a founder in
      // view that has not published its credentials. A node waiting out a lost fleet's
      // generation reads at half the pace, with its view seed's record, as before: at the full
      // pace those two reads took the whole quota, found by the simulation, seed 602.)
      // Each node once per period, at its own phase of it: the fleet's reads come at
      // store.fleet-rate, evenly, and every node reads a new formation within a period of it.
      long period = Math.max(1, ViewKeeper.lightPeriod(settings, size).toMillis());
      return Instant.ofEpochMilli(
          ReadSlots.nextRead(formationReadAt.toEpochMilli(), period, readPhase()));
    }
    Duration period = ViewKeeper.watchPeriod(settings, size);
    return formationReadAt.plusMillis((long) (period.toMillis() * (0.5 + formationPhase)));
  }

  /**
   * The member records the decision needs (none before a formation exists), kept for the next step
   * that decides on a kept view. Listing every member costs SSM one request per 10 records: 100 at
   * 1,000 nodes, and a lost fleet leaves its records behind, so a new fleet of 1,000 that listed
   * them at every step emptied the store's quota and never formed (found by the simulation, seed
   * 602). So:
   *
   * <ul>
   *   <li>while the founder is a live member in view, its record alone (one read): the decision is
   *       then to join through it whatever the other records say;
   *   <li>otherwise, in a fleet that paces its store reads or while a listing costs more than one
   *       request (it is unknown before the first: a new fleet next to a lost one's 1,000 records
   *       would each pay 100 requests for it), a node that is not the seed of its view reads only
   *       the record of that seed (it joins through it once the seed found a live member and
   *       joined, or formed the next generation) and never all of them;
   *   <li>the seed of its view lists every record, at most once per {@link #listingPeriod}.
   * </ul>
   *
   * A partial read can only lead to joining through a member whose own record was just read, or to
   * waiting; it never counts toward replacing a generation ({@link #trackOrphaned}).
   */
  private List<MemberRecord> readMembers(
      Optional<FormationRecord> formation, String storeState, List<Peer> view, Instant now)
      throws StoreException {
    if (formation.isEmpty()) {
      keptMembers = List.of();
      membersComplete = true;
      membersState = storeState;
      return keptMembers;
    }
    FormationRecord f = formation.get();
    if (view.stream().noneMatch(p -> p.address().equals(self.address()))) {
      // Not in its own view yet (booting): it can only wait, whatever the records say.
      return partial(List.of(), storeState);
    }
    if (!membersComplete && !formationFresh && storeState.equals(membersState)) {
      // A partial read is renewed with the formation record, at the watch's pace.
      return keptMembers;
    }
    if (!f.ownerInstanceId().equals(self.instanceId())
        && ClusterStates.ownerJoinableInView(f, view)) {
      // The founder's record comes with the credentials, in one request where the store can: the
      // decision is then to join through the founder, which needs them at once.
      MemberAndCredentials read = store.memberAndCredentials(f.ownerInstanceId(), f.generation());
      keptCredentials = read.credentials().orElse(null);
      keptCredentialsGeneration = f.generation();
      keptCredentialsAt = now;
      Optional<MemberRecord> founder =
          read.member()
              .filter(
                  m ->
                      m.generation() == f.generation()
                          && m.status() == MemberRecord.Status.MEMBER
                          && m.address().equals(f.ownerAddress()));
      if (founder.isPresent()) {
        return partial(List.of(founder.get()), storeState);
      }
    }
    List<Peer> ranked = Election.rank(view);
    boolean seedOfView = !ranked.isEmpty() && ranked.get(0).address().equals(self.address());
    // The fleet's size is the larger of this node's view and the founder's: a node booting next to
    // a lost fleet's generation sees few peers at first, and a thousand such nodes each listing
    // the lost fleet's thousand records (100 requests each) were most of the throttled store
    // calls with faults on at 1,000 nodes (found by the simulation, seeds 86 and 478).
    boolean costly =
        listingPages > 1 || ViewKeeper.paced(settings, Math.max(view.size(), f.viewSize()));
    if (costly && !seedOfView && !ranked.isEmpty()) {
      Peer seed = ranked.get(0);
      Optional<MemberRecord> rec =
          seed.instanceId() == null
              ? Optional.empty()
              : memberOf(f, seed.instanceId(), seed.addressText())
                  .filter(m -> ClusterStates.joinableInView(m, view));
      return partial(rec.map(List::of).orElse(List.of()), storeState);
    }
    if (listingPages > 1
        && membersComplete
        && storeState.equals(membersState)
        && listedAt != null
        && now.isBefore(listedAt.plus(listingPeriod()))) {
      return keptMembers;
    }
    return listAllMembers(storeState, now);
  }

  /** {@code instanceId}'s record if it is a MEMBER of {@code f}'s generation at {@code address}. */
  private Optional<MemberRecord> memberOf(FormationRecord f, String instanceId, String address)
      throws StoreException {
    return store
        .member(instanceId)
        .filter(
            m ->
                m.generation() == f.generation()
                    && m.status() == MemberRecord.Status.MEMBER
                    && m.address().equals(address));
  }

  private List<MemberRecord> partial(List<MemberRecord> records, String storeState) {
    keptMembers = records;
    membersComplete = false;
    membersState = storeState;
    return keptMembers;
  }

  private List<MemberRecord> listAllMembers(String storeState, Instant now) throws StoreException {
    keptMembers = store.members();
    membersComplete = true;
    membersState = storeState;
    listedAt = now;
    listingPages = Math.max(1, (keptMembers.size() + 9) / 10);
    return keptMembers;
  }

  private boolean listedNow(Instant now) {
    return listedAt != null && listedAt.equals(now);
  }

  /**
   * How often the seed of a view lists every member record: a quarter of {@code store.fleet-rate}
   * for its listings (one request per 10 records), at least an interval apart.
   */
  private Duration listingPeriod() {
    Duration byCost =
        Duration.ofMillis((long) Math.ceil(listingPages * 4 * 1000.0 / settings.storeRate()));
    return byCost.compareTo(settings.interval()) > 0 ? byCost : settings.interval();
  }

  /** What one step would decide now, assuming the view stays as it is: for --dry-run. */
  public record Preview(List<Peer> ranked, ClusterState cluster, Decision decision) {}

  /**
   * Discovers and reads the store once and decides, without claiming, forming, joining or writing
   * anything. One pass cannot see how long the view has been stable, so it is taken as stable.
   */
  public Preview preview() throws DiscoveryException, StoreException, IOException {
    Optional<Membership> mine =
        state.membership().filter(m -> m.cluster().equals(settings.cluster()));
    List<Peer> view = discovery.discover();
    Optional<FormationRecord> formation = store.currentFormation();
    Peer selfPeer = self.asPeer();
    ClusterState cluster =
        ClusterStates.of(formation, store.members(), view, selfPeer, mine, Duration.ZERO);
    Decision d =
        Election.decide(
            new Snapshot(
                selfPeer,
                view,
                settings.election().stableFor(),
                clock.instant(),
                settings.election(),
                cluster));
    return new Preview(Election.rank(view), cluster, d);
  }

  /** S3: a recorded member that the adapter confirms is done, with no change. */
  private Optional<StepResult> verifyExisting(Membership m)
      throws DiscoveryException, StoreException, AdapterException, IOException {
    Instant now = clock.instant();
    boolean readStore =
        memberStoreReadAt == null || !now.isBefore(memberStoreReadAt.plus(memberStoreEvery));
    Optional<FormationRecord> current = Optional.empty();
    if (readStore) {
      try {
        current = store.currentFormation();
      } catch (StoreException e) {
        // verify locally; the store is not needed to stay a member
      }
      memberStoreReadAt = now;
      memberStoreEvery = memberStorePeriod(current.map(FormationRecord::viewSize).orElse(0));
    }
    if (current.isPresent() && current.get().generation() != m.generation()) {
      listener.event(
          "stale-membership",
          "this node recorded generation "
              + m.generation()
              + " but the store's current generation is "
              + current.get().generation()
              + "; joining the current one");
      return Optional.empty();
    }
    LocalMembership local = adapter.inspect();
    Optional<String> problem =
        local.running()
            ? adapter.verify(List.of())
            : Optional.of(adapter.name() + " is not running");
    if (problem.isPresent()) {
      listener.event(
          "rejoin",
          "this node recorded membership of generation "
              + m.generation()
              + " but "
              + problem.get()
              + "; rejoining through a live member");
      return Optional.empty();
    }
    try {
      if (readStore
          && !registeredAs(self.instanceId(), m.generation(), MemberRecord.Status.MEMBER)) {
        register(m.generation(), MemberRecord.Status.MEMBER, m.clusterId());
      }
    } catch (StoreException e) {
      listener.event("store-error", "could not refresh member registration: " + e.getMessage());
    }
    return Optional.of(
        new StepResult.Done(
            "already a member of "
                + settings.cluster()
                + " generation "
                + m.generation()
                + " ("
                + m.clusterId()
                + "); verified, nothing changed",
            false));
  }

  /** Store requests one member's check takes: the current formation and its own record. */
  static final int MEMBER_CHECK_REQUESTS = 2;

  /**
   * How long a member waits between its checks' store reads, in a fleet of {@code size} (the
   * founder's view in the formation record; 0 when unknown): so the fleet's members together take a
   * quarter of {@code store.fleet-rate}, spread. The agent checks a member every {@code
   * agent.check-interval} (60 s); at 1,000 members a store read at every check was 2,000 requests a
   * minute, 33 a second of SSM's standard 40 for the whole account, for as long as the fleet runs.
   * The checks in between verify with the adapter only: the store is not needed to stay a member,
   * only to notice a newer generation or a missing registration, which can wait minutes.
   */
  private Duration memberStorePeriod(int size) {
    long millis =
        (long) Math.ceil(size * MEMBER_CHECK_REQUESTS * 4 * 1000.0 / settings.storeRate());
    if (millis <= 0) {
      return Duration.ZERO;
    }
    // Where in [period / 2, 3 x period / 2]: the members' checks do not fall into step.
    return Duration.ofMillis(millis / 2).plus(backoff.spread(Duration.ofMillis(millis)));
  }

  private StepResult form(Decision.Form f, Optional<FormationRecord> current, List<Peer> ranked)
      throws DiscoveryException, StoreException, AdapterException, IOException {
    FormationRecord rec;
    if (current.isPresent()
        && current.get().generation() == f.generation()
        && current.get().ownerInstanceId().equals(self.instanceId())) {
      rec = current.get();
      listener.event("resume", "resuming formation of generation " + rec.generation());
      if (store.credentials(rec.generation()).isPresent()) {
        // Credentials are published only after form() returned, and nodes may have joined with
        // them since: forming again would give this node new secrets and split it off (S1).
        return finishResumedFormation(rec);
      }
    } else {
      rec =
          new FormationRecord(
              settings.cluster(),
              f.generation(),
              clusterIds.get(),
              self.instanceId(),
              self.addressText(),
              clock.instant(),
              ranked.size());
      if (!store.claimFormation(rec)) {
        listener.event(
            "claim-lost", "another node claimed generation " + f.generation() + " first");
        return new StepResult.Retry(
            backoff.poll(), "waiting: lost the claim for generation " + f.generation());
      }
      Optional<FormationRecord> back = store.currentFormation();
      if (back.isEmpty() || !back.get().clusterId().equals(rec.clusterId())) {
        return retryAfterFailure(
            "store-error",
            "the claim of generation "
                + f.generation()
                + " is not visible on read-back; not forming");
      }
      listener.event(
          "claimed", "claimed generation " + rec.generation() + " (" + rec.clusterId() + ")");
    }
    Credentials credentials =
        adapter.form(new FormRequest(settings.cluster(), rec.clusterId(), self, ranked));
    store.putCredentials(rec.generation(), credentials);
    if (store.credentials(rec.generation()).isEmpty()) {
      return retryAfterFailure("store-error", "published credentials are not visible on read-back");
    }
    register(rec.generation(), MemberRecord.Status.MEMBER, rec.clusterId());
    state.saveMembership(
        new Membership(settings.cluster(), rec.generation(), rec.clusterId(), clock.instant()));
    listener.event("formed", "formed generation " + rec.generation() + " of " + settings.cluster());
    return new StepResult.Done(
        "formed "
            + settings.cluster()
            + " generation "
            + rec.generation()
            + " ("
            + rec.clusterId()
            + ")",
        true);
  }

  /**
   * The adapter formed this generation before an interruption: verify and record, never re-form.
   */
  private StepResult finishResumedFormation(FormationRecord rec)
      throws StoreException, AdapterException, IOException {
    Optional<String> problem = adapter.verify(List.of());
    if (problem.isPresent()) {
      return retryAfterFailure(
          "adapter-error",
          "this node formed generation "
              + rec.generation()
              + " and its credentials are published, but "
              + problem.get()
              + "; not forming it again");
    }
    register(rec.generation(), MemberRecord.Status.MEMBER, rec.clusterId());
    state.saveMembership(
        new Membership(settings.cluster(), rec.generation(), rec.clusterId(), clock.instant()));
    listener.event("formed", "finished forming generation " + rec.generation());
    return new StepResult.Done(
        "formed "
            + settings.cluster()
            + " generation "
            + rec.generation()
            + " ("
            + rec.clusterId()
            + ")",
        true);
  }

  /**
   * A JOINING registration of this node that outlived its join (the deregistration after a failed
   * join was lost, or the agent crashed mid-join) blocks the replacement of the generation for the
   * whole fleet while this node lives, and nobody else can remove it. Once no member is left to
   * join through: if the adapter says this node is not clustered, it is not a member: drop it. If
   * it is clustered, it got inside the generation's cluster before the interruption (the agent
   * crashed after the join, and the member it joined through has died since): finish the join as a
   * member instead; dropping it would let the fleet form a second cluster next to it (found by the
   * simulation, seed 7161 at 3 nodes).
   *
   * @return the finished join, when it finished one
   */
  private Optional<StepResult> resolveOwnJoining(FormationRecord f, List<MemberRecord> members)
      throws StoreException, AdapterException, IOException {
    boolean mine =
        members.stream()
            .anyMatch(
                m ->
                    m.instanceId().equals(self.instanceId())
                        && m.generation() == f.generation()
                        && m.status() == MemberRecord.Status.JOINING);
    if (!mine) {
      return Optional.empty();
    }
    if (adapter.inspect().clustered()) {
      listener.event(
          "joining-finished",
          "this node's JOINING registration for generation "
              + f.generation()
              + " outlived its join and the node is clustered: finishing as a member");
      return Optional.of(finishJoin(f, List.of(), false));
    }
    store.deregisterMember(self.instanceId());
    listener.event(
        "joining-dropped",
        "dropped this node's JOINING registration for generation "
            + f.generation()
            + ": it is not clustered and no member is left to join through");
    return Optional.empty();
  }

  private StepResult join(Decision.Join j, FormationRecord rec, List<Peer> ranked)
      throws DiscoveryException, StoreException, AdapterException, IOException {
    Optional<Credentials> credentials =
        keptCredentials != null
                && keptCredentialsGeneration == rec.generation()
                && keptCredentialsAt.equals(stepAt)
            ? Optional.of(keptCredentials)
            : store.credentials(rec.generation());
    if (credentials.isEmpty()) {
      return new StepResult.Retry(
          backoff.poll(),
          "waiting: credentials of generation " + rec.generation() + " are not published yet");
    }
    boolean light = light();
    if (!light) {
      ownJoiningUnknown = true;
      register(rec.generation(), MemberRecord.Status.JOINING, null);
    }
    if (joinedGeneration != rec.generation()) {
      try {
        joinedThrough = joinWithOneReread(j, rec, ranked, credentials.get());
      } catch (AdapterException e) {
        // Not joined (also when the credentials were rejected): stop blocking the replacement of
        // this generation.
        if (!light) {
          try {
            store.deregisterMember(self.instanceId());
          } catch (StoreException ignored) {
            // The next step re-registers or the record ages out with this node.
          }
        }
        throw e;
      }
      joinedGeneration = rec.generation();
      joinedClusterId = rec.clusterId();
    }
    return finishJoin(joinedAs(rec), j.candidates(), light);
  }

  /**
   * After adapter.join returned: verify and register as a member. A failure here (a lost MEMBER
   * write, a store error) leaves the JOINING record in place, since the node may be inside the
   * cluster; the next steps finish this instead of joining again (found by the simulation: a node
   * that joined, lost its MEMBER write, then tried to join again through the founder that had just
   * died dropped its JOINING record while inside the founder's cluster, and the fleet formed a
   * second one, seed 5830 at 3 nodes).
   */
  private StepResult finishJoin(FormationRecord rec, List<Peer> candidates, boolean registerLater)
      throws StoreException, AdapterException, IOException {
    Optional<String> problem = adapter.verify(candidates);
    if (problem.isPresent()) {
      return retryAfterFailure(
          "adapter-error", "joined, but verification failed: " + problem.get());
    }
    if (registerLater) {
      // A light join: the fleet's reads come first, the registrations about a period later, each
      // at the node's own phase of the read period, so they too stay under store.fleet-rate and
      // out of the formation's way. Local membership is written now: the node is a verified
      // member, and a restart finishes the registration (step 0).
      state.saveMembership(
          new Membership(settings.cluster(), rec.generation(), rec.clusterId(), clock.instant()));
      Duration delay = registrationDelay();
      pendingRegistration = rec;
      pendingAt = clock.instant().plus(delay);
      listener.event(
          "joined",
          "joined generation "
              + rec.generation()
              + joinedVia(rec.generation())
              + "; registering as a member in "
              + seconds(delay));
      return new StepResult.Retry(delay, "waiting: " + registrationWait(rec, delay));
    }
    register(rec.generation(), MemberRecord.Status.MEMBER, rec.clusterId());
    state.saveMembership(
        new Membership(settings.cluster(), rec.generation(), rec.clusterId(), clock.instant()));
    String via = joinedVia(rec.generation());
    listener.event("joined", "joined generation " + rec.generation() + via);
    return new StepResult.Done(
        "joined " + settings.cluster() + " generation " + rec.generation() + via, true);
  }

  /** A light join's MEMBER registration, at its moment. */
  private StepResult registerPending() throws StoreException {
    FormationRecord rec = pendingRegistration;
    Instant now = clock.instant();
    if (now.isBefore(pendingAt)) {
      Duration left = Duration.between(now, pendingAt);
      return new StepResult.Retry(left, "waiting: " + registrationWait(rec, left));
    }
    register(rec.generation(), MemberRecord.Status.MEMBER, rec.clusterId());
    pendingRegistration = null;
    String via = joinedVia(rec.generation());
    return new StepResult.Done(
        "joined " + settings.cluster() + " generation " + rec.generation() + via, true);
  }

  private String registrationWait(FormationRecord rec, Duration left) {
    return "joined generation "
        + rec.generation()
        + joinedVia(rec.generation())
        + " and verified; registering as a member in "
        + seconds(left)
        + ", spread so the fleet's store requests stay under store.fleet-rate";
  }

  /**
   * How long after a light join its MEMBER registration waits: until this node's phase of the
   * fleet's read period, about a period after the join ({@link ReadSlots#registrationAt}), so the
   * registrations come evenly at store.fleet-rate after the fleet's reads; but at most three
   * quarters of {@code election.replace-after}: until it is registered, nothing but the node itself
   * says it is in the generation's cluster, and the generation is replaced only after {@code
   * replace-after} with nothing of it in view, counted from after the founder it joined through
   * left the view (docs/formation.md, A5). The last quarter (30 s by default) is for retries.
   */
  private Duration registrationDelay() {
    long period = Math.max(1, ViewKeeper.lightPeriod(settings, fleetSize()).toMillis());
    long cap = settings.election().replaceAfter().multipliedBy(3).dividedBy(4).toMillis();
    long now = clock.instant().toEpochMilli();
    return Duration.ofMillis(ReadSlots.registrationAt(now, period, readPhase(), cap) - now);
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }

  /**
   * The fleet's size as this node knows it: the larger of its view and the founder's view in the
   * formation record (a node booting sees few peers at first).
   */
  private int fleetSize() {
    int formed = keptFormation == null ? 0 : keptFormation.map(FormationRecord::viewSize).orElse(0);
    return Math.max(Math.max(views.size(), formed), fleetHint);
  }

  /**
   * The seed of a booting fleet's view lists at every step, so its view is the freshest: it
   * publishes the larger of the view's size and the size the fleet is launching towards ({@link
   * #expectedFleetSize}) whenever that has grown by a tenth, a few writes in all, and the waiting
   * nodes pace their reads by it ({@link CredentialStore#putFleetSize}). Only before a formation
   * (the formation record carries the founder's view size after) and only for light joins, whose
   * reads are paced by it.
   */
  private void publishFleetSize(Optional<FormationRecord> formation, List<Peer> view) {
    if (formation.isPresent() || !adapter.provesTargets()) {
      return;
    }
    if (view == publishCheckedView || view.isEmpty()) {
      return; // the listing checked at an earlier step: nothing new to publish
    }
    publishCheckedView = view;
    if (!Election.seed(view).address().equals(self.address())) {
      return;
    }
    int size = Math.max(view.size(), expectedFleetSize());
    if (!ViewKeeper.paced(settings, size)
        || size <= Math.max(fleetHint, fleetHintPublished) * 11L / 10) {
      return;
    }
    try {
      store.putFleetSize(size);
      fleetHintPublished = size;
    } catch (StoreException e) {
      publishCheckedView = null; // try again at the next step
      listener.event("store-error", "could not publish the fleet's size: " + e.getMessage());
    }
  }

  /**
   * The size discovery says the fleet is launching towards (an Auto Scaling group's desired
   * capacity; 0 when it cannot say), asked once per flow by the seed of a booting view. The
   * instances a listing shows lag the instances launching, by the discovery lag and more, and a
   * node learns the hint only at its reads: paced by the size seen, a 1,000-node fleet launching
   * over 60 s read the store at up to twice store.fleet-rate while it booted, and was throttled in
   * a few runs in a hundred (found by the simulation, seed 196). A pacing hint only, like the
   * view's size: no decision rests on it.
   */
  private int expectedFleetSize() {
    if (expectedFleetSize == null) {
      try {
        expectedFleetSize = discovery.expectedSize().orElse(0);
      } catch (DiscoveryException e) {
        listener.event(
            "discovery-error",
            "could not read the fleet's expected size (pacing by the view's instead): "
                + e.getMessage());
        expectedFleetSize = 0;
      }
    }
    return expectedFleetSize;
  }

  /** {@link #expectedFleetSize}, once asked. */
  private Integer expectedFleetSize;

  /** The listing {@link #publishFleetSize} last looked at. */
  private List<Peer> publishCheckedView;

  /**
   * Whether this node joins lightly: in a fleet that paces its store reads, with an adapter whose
   * targets prove their cluster themselves ({@link ClusterAdapter#provesTargets}). A light join
   * writes no JOINING record before it joins, joins the founder named in the formation record
   * without a fresh view, and registers as a member about a period later: one store request per
   * join while the fleet forms, instead of three plus a listing (docs/formation.md, "Light joins").
   */
  private boolean light() {
    return adapter.provesTargets() && ViewKeeper.paced(settings, fleetSize());
  }

  /**
   * A light join: the watch read that showed the expected generation also brought its credentials,
   * so the founder has formed (the credentials are published only after it did). Join through it at
   * once on the kept view, which need not hold it: the founder proves its cluster before the join
   * ({@link #provenTargets}), and this node only needs to see itself. No JOINING record, no fresh
   * listing, no spreading window: the read slots spread the fleet already.
   */
  private Optional<StepResult> lightJoin(Optional<FormationRecord> formation)
      throws DiscoveryException, StoreException, AdapterException, IOException {
    if (formation.isEmpty() || formationDamaged || !formationFresh || watchedCredentials == null) {
      return Optional.empty();
    }
    FormationRecord f = formation.get();
    if (watchedCredentialsGeneration != f.generation()
        || lightJoinFailed == f.generation()
        || f.ownerInstanceId().equals(self.instanceId())
        || !forming(f)
        || !light()) {
      return Optional.empty();
    }
    List<Peer> kept = views.kept();
    if (kept == null) {
      return Optional.empty();
    }
    if (kept.stream().noneMatch(p -> p.address().equals(self.address()))) {
      // Listed before discovery showed this node (booting): one listing now, as a node with a
      // cluster to join in view lists at every step until it sees itself.
      kept = views.list(storeStateOf(f), stepAt).peers();
      if (kept.stream().noneMatch(p -> p.address().equals(self.address()))) {
        return Optional.empty();
      }
    }
    List<Peer> ranked = Election.rank(kept);
    Optional<Peer> founder = founderOf(f, ranked);
    if (founder.isEmpty()) {
      return Optional.empty();
    }
    Decision.Join j =
        new Decision.Join(
            List.of(founder.get()),
            "generation "
                + f.generation()
                + "'s founder "
                + f.ownerAddress()
                + " published its credentials; joining through it (it proves its cluster first)");
    NodeState.StepRecord record =
        new NodeState.StepRecord(
            stepAt,
            j.kind(),
            j.reason(),
            ranked.size(),
            ranked.isEmpty() ? null : ranked.get(0).addressText());
    state.saveLastStep(record);
    listener.decided(record);
    keptCredentials = watchedCredentials;
    keptCredentialsGeneration = f.generation();
    keptCredentialsAt = stepAt;
    try {
      return Optional.of(join(j, f, ranked));
    } catch (AdapterException e) {
      lightJoinFailed = f.generation();
      throw e;
    }
  }

  private static String storeStateOf(FormationRecord f) {
    return f.generation() + "/" + f.clusterId();
  }

  /**
   * A light join registers about a period after it joined, so a node whose agent stopped in between
   * (or before it wrote local membership) is inside the generation's cluster with no record saying
   * so, and nothing else blocks the generation's replacement once its founder and registered
   * members are gone. Such a node asks its adapter once per generation while it sees nothing of the
   * generation alive, and always before it would replace it: clustered, it finishes the join as a
   * member (registering now) instead of waiting or forming next to it. (The JOINING record did this
   * for a join before light joins; a join is the only way into the cluster muster manages.)
   */
  private Optional<StepResult> finishUnrecordedJoin(
      Decision d,
      Optional<FormationRecord> formation,
      List<MemberRecord> members,
      List<Peer> view,
      Optional<Membership> mine)
      throws StoreException, AdapterException, IOException {
    if (formation.isEmpty()
        || formationDamaged
        || mine.isPresent()
        || d instanceof Decision.Join
        || !adapter.provesTargets()) {
      return Optional.empty();
    }
    FormationRecord f = formation.get();
    if (f.ownerInstanceId().equals(self.instanceId())) {
      return Optional.empty();
    }
    if (!(d instanceof Decision.Form)
        && (unrecordedChecked == f.generation()
            || ClusterStates.anythingAlive(f, members, view, self.asPeer()))) {
      return Optional.empty();
    }
    unrecordedChecked = f.generation();
    if (!adapter.inspect().clustered()) {
      return Optional.empty();
    }
    listener.event(
        "joined-unrecorded",
        "this node is clustered but recorded no join: it joined generation "
            + f.generation()
            + " before an interruption (a light join registers later); finishing as a member");
    return Optional.of(finishJoin(f, List.of(), false));
  }

  /**
   * " through ADDRESS": the member the adapter says the join went through (issue 14: not the
   * candidates it was offered); when this flow did not run the join (a JOINING registration left by
   * an earlier run, finished because the node is clustered), it says so.
   */
  private String joinedVia(long generation) {
    if (joinedGeneration != generation || joinedThrough == null) {
      return " (this node was already inside the cluster)";
    }
    return " through "
        + joinedThrough.through().addressText()
        + (joinedThrough.alreadyMember() ? " (already clustered with it)" : "");
  }

  /** One join; if the credentials are rejected, once more with the store's newer ones, if any. */
  private JoinResult joinWithOneReread(
      Decision.Join j, FormationRecord rec, List<Peer> ranked, Credentials credentials)
      throws AdapterException, StoreException {
    try {
      return joinOnce(j, rec, ranked, credentials);
    } catch (CredentialsRejectedException first) {
      Optional<Credentials> reread = store.credentials(rec.generation());
      if (reread.isEmpty() || reread.get().equals(credentials)) {
        throw new CredentialsRejectedException(
            "the cluster rejected generation "
                + rec.generation()
                + "'s credentials from "
                + store.describe()
                + " and the store holds no newer ones: "
                + first.getMessage(),
            first);
      }
      listener.event(
          "credentials-reread",
          "credentials were rejected; retrying once with the store's newer ones");
      try {
        return joinOnce(j, rec, ranked, reread.get());
      } catch (CredentialsRejectedException second) {
        throw new CredentialsRejectedException(
            "the cluster rejected generation "
                + rec.generation()
                + "'s credentials twice (re-read from "
                + store.describe()
                + "): "
                + second.getMessage(),
            second);
      }
    }
  }

  private JoinResult joinOnce(
      Decision.Join j, FormationRecord rec, List<Peer> ranked, Credentials c)
      throws AdapterException {
    Optional<Peer> founder = founderOf(rec, ranked);
    JoinRequest asked =
        new JoinRequest(
            settings.cluster(), rec.clusterId(), self, j.candidates(), c, ranked, founder);
    return adapter.join(
        new JoinRequest(
            settings.cluster(), rec.clusterId(), self, provenTargets(asked), c, ranked, founder));
  }

  /**
   * The founder as the view knows it (with its hostname, which node names may need), else as its
   * record names it.
   */
  private static Optional<Peer> founderOf(FormationRecord rec, List<Peer> view) {
    Optional<Peer> known =
        view.stream().filter(p -> p.addressText().equals(rec.ownerAddress())).findFirst();
    if (known.isPresent()) {
      return known;
    }
    try {
      return Optional.of(Peer.of(rec.ownerAddress()).withInstanceId(rec.ownerInstanceId()));
    } catch (IllegalArgumentException notAnAddress) {
      return Optional.empty();
    }
  }

  /** Candidates checked before a join; a few proven ones are enough to try. */
  private static final int TARGETS_CHECKED = 10;

  private static final int TARGETS_PROVEN = 3;

  /**
   * The candidates that prove to be members of the cluster this join is for ({@link
   * io.muster.adapter.ClusterAdapter#verifyTarget}), best first: a registered live member in the
   * view may be a new instance on a dead member's address.
   */
  private List<Peer> provenTargets(JoinRequest asked) throws AdapterException {
    List<Peer> proven = new java.util.ArrayList<>();
    List<String> refused = new java.util.ArrayList<>();
    for (Peer p : asked.members()) {
      if (proven.size() == TARGETS_PROVEN || proven.size() + refused.size() == TARGETS_CHECKED) {
        break;
      }
      Optional<String> why = adapter.verifyTarget(asked, p);
      if (why.isEmpty()) {
        proven.add(p);
      } else {
        refused.add(p.addressText() + ": " + why.get());
        listener.event(
            "target-refused", "not joining through " + p.addressText() + ": " + why.get());
      }
    }
    if (proven.isEmpty()) {
      throw new AdapterException(
          "no member to join through proved it is in cluster "
              + asked.clusterId()
              + " ("
              + String.join("; ", refused)
              + "); not joining",
          true);
    }
    return proven;
  }

  /**
   * Writes this node's registration. Not read back: a write the store acknowledged is durable and
   * visible to later reads (SSM, Secrets Manager and the file store's atomic rename all promise
   * it), and a write whose outcome is unknown (an error, a timeout) fails this step, so the next
   * step decides again on what the store then shows. At 1,000 joiners on SSM's standard throughput
   * the two read-backs of every join were 2,000 of the fleet's requests: 100 s at store.fleet-rate.
   *
   * @param clusterId the cluster this node is in (a MEMBER record names it; a JOINING one, not
   *     proven yet, does not)
   */
  private void register(long generation, MemberRecord.Status status, String clusterId)
      throws StoreException {
    MemberRecord mine =
        new MemberRecord(
            self.instanceId(),
            self.addressText(),
            self.hostname(),
            generation,
            clock.instant(),
            status,
            clusterId);
    store.registerMember(mine);
  }

  /**
   * Whether the store holds {@code instanceId}'s record for {@code generation} in {@code status}.
   */
  private boolean registeredAs(String instanceId, long generation, MemberRecord.Status status)
      throws StoreException {
    return store
        .member(instanceId)
        .filter(m -> m.generation() == generation && m.status() == status)
        .isPresent();
  }

  /** What the stand-in for a damaged formation record says of its founder. */
  private static final String UNKNOWN_FOUNDER = "(unknown: the formation record is damaged)";

  /**
   * A stand-in for the current formation record of {@code generation}, which exists but cannot be
   * read: the generation is known from the record's name; the cluster id and the founder are not.
   * The founder's address is empty, so it is never found in a view: nobody waits for it, joins
   * through it, or resumes its claim. Safe because a damaged generation is never taken as orphaned
   * (its founder might be alive and not yet registered, and only the record named it), so it is
   * never replaced, and a join goes only through a registered member whose own record names the
   * cluster id it proves ({@link #throughMembers}).
   */
  private FormationRecord damagedStandIn(long generation) {
    return new FormationRecord(
        settings.cluster(),
        generation,
        "(damaged formation record)",
        UNKNOWN_FOUNDER,
        "",
        Instant.EPOCH,
        0);
  }

  private String damagedWait(FormationRecord standIn) {
    return "the formation record of generation "
        + standIn.generation()
        + " is damaged, and no member of it that names its cluster is alive in the view to join"
        + " through; it is never replaced on a guess: repair or delete the record";
  }

  /**
   * With a damaged formation record, the generation's cluster id as the join candidates' own MEMBER
   * records name it (written after their verified form or join): the candidates then prove to be in
   * that cluster before the join ({@link #provenTargets}), exactly as against the record.
   */
  private Optional<FormationRecord> throughMembers(
      FormationRecord standIn, Decision.Join j, List<MemberRecord> members) {
    for (Peer p : j.candidates()) {
      for (MemberRecord m : members) {
        if (m.generation() == standIn.generation()
            && m.status() == MemberRecord.Status.MEMBER
            && m.clusterId() != null
            && (p.instanceId() == null || m.instanceId().equals(p.instanceId()))
            && p.address().equals(io.muster.net.IpLiteral.parseOrNull(m.address()))) {
          return Optional.of(
              new FormationRecord(
                  standIn.cluster(),
                  standIn.generation(),
                  m.clusterId(),
                  standIn.ownerInstanceId(),
                  standIn.ownerAddress(),
                  standIn.claimedAt(),
                  0));
        }
      }
    }
    return Optional.empty();
  }

  /** {@code rec} with the cluster id this flow's join was proven against, if it joined one. */
  private FormationRecord joinedAs(FormationRecord rec) {
    if (joinedClusterId == null || joinedClusterId.equals(rec.clusterId())) {
      return rec;
    }
    return new FormationRecord(
        rec.cluster(),
        rec.generation(),
        joinedClusterId,
        rec.ownerInstanceId(),
        rec.ownerAddress(),
        rec.claimedAt(),
        rec.viewSize());
  }

  /**
   * How long this flow has continuously seen the current generation with nothing of it alive in the
   * view. Counted from this flow's own first observation, so a restart only makes it safer.
   */
  private Duration trackOrphaned(
      Optional<FormationRecord> formation,
      List<MemberRecord> members,
      List<Peer> view,
      Peer selfPeer,
      Instant now) {
    if (formation.isEmpty()
        || !membersComplete
        || formationDamaged
        || ClusterStates.anythingAlive(formation.get(), members, view, selfPeer)) {
      // A partial read of the members says nothing about what else of the generation is alive.
      orphanGeneration = -1;
      return Duration.ZERO;
    }
    if (orphanGeneration != formation.get().generation()) {
      orphanGeneration = formation.get().generation();
      orphanSince = now;
    }
    return Duration.between(orphanSince, now);
  }

  private Decision decide(
      Peer selfPeer,
      List<Peer> view,
      Optional<FormationRecord> formation,
      List<MemberRecord> members,
      Optional<Membership> mine,
      Instant now) {
    Duration orphaned = trackOrphaned(formation, members, view, selfPeer, now);
    ClusterState cluster = ClusterStates.of(formation, members, view, selfPeer, mine, orphaned);
    // With a damaged formation record the founder is unknown, so it cannot be seen in view: its
    // members are the only way in, and a node missing from its own view lists like next to a
    // founder in view (else it would wait by its rank, found by the simulation: 50 s late).
    joinable =
        cluster.formed()
            && (cluster.ownerInView() || !cluster.liveMembers().isEmpty() || formationDamaged);
    Duration unchanged = views.unchangedFor(now);
    return Election.decide(
        new Snapshot(selfPeer, view, unchanged, now, settings.election(), cluster));
  }
}
