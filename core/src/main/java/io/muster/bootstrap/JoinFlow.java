package io.muster.bootstrap;

import io.muster.adapter.AdapterException;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.LocalMembership;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
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
import java.util.stream.Collectors;

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
  private long orphanGeneration = -1;
  private Instant orphanSince;
  private int failures;
  private boolean joinable;

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
    if (mine.isPresent()) {
      Optional<StepResult> done = verifyExisting(mine.get());
      if (done.isPresent()) {
        return done.get();
      }
    }
    Optional<FormationRecord> formation = store.currentFormation();
    Peer selfPeer = self.asPeer();
    Instant now = clock.instant();
    String storeState = formation.map(f -> f.generation() + "/" + f.clusterId()).orElse("");
    if (formation.isPresent() && storeState.equals(awaitingFounder)) {
      watchFounder(formation.get());
    }
    ViewKeeper.Next next =
        views.next(storeState, formation.map(FormationRecord::viewSize).orElse(0), joinable, now);
    if (next.deferred()) {
      return new StepResult.Retry(
          next.deferFor(),
          "waiting: generation "
              + formation.map(FormationRecord::generation).orElse(0L)
              + " was published; re-discovering in "
              + String.format(java.util.Locale.ROOT, "%.1fs", next.deferFor().toMillis() / 1000.0)
              + " so the fleet's describe calls stay under discovery.fleet-rate");
    }
    ViewKeeper.View taken = next.view();
    // Members are read after the deferral (with SSM, listing 1,000 members is 100 calls), and a
    // kept view is decided on with the members read alongside it: both only ever lead to a wait.
    boolean keptBoth =
        taken.source() == ViewKeeper.Source.CACHED && storeState.equals(membersState);
    List<MemberRecord> members = keptBoth ? keptMembers : readMembers(formation, storeState);
    Decision d = decide(selfPeer, taken.peers(), formation, members, mine, now);
    if (!(d instanceof Decision.Wait) && taken.source() == ViewKeeper.Source.CACHED) {
      // Act only on a fresh view: the cached one may hold a node that is gone.
      taken = views.list(storeState, now);
      if (keptBoth) {
        members = readMembers(formation, storeState);
      }
      d = decide(selfPeer, taken.peers(), formation, members, mine, now);
    }
    if (d instanceof Decision.Form && taken.source() != ViewKeeper.Source.AUTHORITATIVE) {
      // Form only on what discovery admits, not on the cheap listing (see Discovery#list).
      taken = views.authoritative(storeState, now);
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
    if (d instanceof Decision.Form f) {
      return form(f, formation, ranked);
    }
    if (d instanceof Decision.Join j) {
      return join(j, formation.orElseThrow(), ranked);
    }
    if (formation.isPresent()) {
      dropOwnStaleJoining(formation.get(), members);
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
   * The store's member records (none before a formation exists), kept for the next step that
   * decides on a kept view.
   */
  private List<MemberRecord> readMembers(Optional<FormationRecord> formation, String storeState)
      throws StoreException {
    keptMembers = formation.isPresent() ? store.members() : List.of();
    membersState = storeState;
    return keptMembers;
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
    Optional<FormationRecord> current;
    try {
      current = store.currentFormation();
    } catch (StoreException e) {
      current = Optional.empty(); // verify locally; the store is not needed to stay a member
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
      if (!registeredAs(self.instanceId(), m.generation(), MemberRecord.Status.MEMBER)) {
        registerAndConfirm(m.generation(), MemberRecord.Status.MEMBER);
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
    registerAndConfirm(rec.generation(), MemberRecord.Status.MEMBER);
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
    registerAndConfirm(rec.generation(), MemberRecord.Status.MEMBER);
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
   * join through and the adapter says this node is not clustered, it is not a member: drop it.
   */
  private void dropOwnStaleJoining(FormationRecord f, List<MemberRecord> members)
      throws StoreException, AdapterException {
    boolean mine =
        members.stream()
            .anyMatch(
                m ->
                    m.instanceId().equals(self.instanceId())
                        && m.generation() == f.generation()
                        && m.status() == MemberRecord.Status.JOINING);
    if (!mine || adapter.inspect().clustered()) {
      return;
    }
    store.deregisterMember(self.instanceId());
    listener.event(
        "joining-dropped",
        "dropped this node's JOINING registration for generation "
            + f.generation()
            + ": it is not clustered and no member is left to join through");
  }

  private StepResult join(Decision.Join j, FormationRecord rec, List<Peer> ranked)
      throws DiscoveryException, StoreException, AdapterException, IOException {
    Optional<Credentials> credentials = store.credentials(rec.generation());
    if (credentials.isEmpty()) {
      return new StepResult.Retry(
          backoff.poll(),
          "waiting: credentials of generation " + rec.generation() + " are not published yet");
    }
    registerAndConfirm(rec.generation(), MemberRecord.Status.JOINING);
    try {
      joinWithOneReread(j, rec, ranked, credentials.get());
    } catch (AdapterException e) {
      // Not joined (also when the credentials were rejected): stop blocking the replacement of
      // this generation.
      try {
        store.deregisterMember(self.instanceId());
      } catch (StoreException ignored) {
        // The next step re-registers or the record ages out with this node.
      }
      throw e;
    }
    Optional<String> problem = adapter.verify(j.candidates());
    if (problem.isPresent()) {
      return retryAfterFailure(
          "adapter-error", "joined, but verification failed: " + problem.get());
    }
    registerAndConfirm(rec.generation(), MemberRecord.Status.MEMBER);
    state.saveMembership(
        new Membership(settings.cluster(), rec.generation(), rec.clusterId(), clock.instant()));
    String via =
        j.candidates().stream().map(Peer::addressText).limit(3).collect(Collectors.joining(", "));
    listener.event("joined", "joined generation " + rec.generation() + " through " + via);
    return new StepResult.Done(
        "joined " + settings.cluster() + " generation " + rec.generation() + " through " + via,
        true);
  }

  /** One join; if the credentials are rejected, once more with the store's newer ones, if any. */
  private void joinWithOneReread(
      Decision.Join j, FormationRecord rec, List<Peer> ranked, Credentials credentials)
      throws AdapterException, StoreException {
    try {
      joinOnce(j, rec, ranked, credentials);
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
        joinOnce(j, rec, ranked, reread.get());
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

  private void joinOnce(Decision.Join j, FormationRecord rec, List<Peer> ranked, Credentials c)
      throws AdapterException {
    adapter.join(
        new JoinRequest(settings.cluster(), rec.clusterId(), self, j.candidates(), c, ranked));
  }

  private void registerAndConfirm(long generation, MemberRecord.Status status)
      throws StoreException {
    MemberRecord mine =
        new MemberRecord(
            self.instanceId(),
            self.addressText(),
            self.hostname(),
            generation,
            clock.instant(),
            status);
    store.registerMember(mine);
    if (!registeredAs(self.instanceId(), generation, status)) {
      throw new StoreException(
          "this node's " + status + " registration is not visible on read-back; will retry");
    }
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
        || ClusterStates.anythingAlive(formation.get(), members, view, selfPeer)) {
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
    joinable = cluster.formed() && (cluster.ownerInView() || !cluster.liveMembers().isEmpty());
    Duration unchanged = views.unchangedFor(now);
    return Election.decide(
        new Snapshot(selfPeer, view, unchanged, now, settings.election(), cluster));
  }
}
