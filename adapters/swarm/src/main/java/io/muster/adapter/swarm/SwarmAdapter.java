package io.muster.adapter.swarm;

import io.muster.adapter.AdapterException;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.JoinResult;
import io.muster.adapter.LocalMembership;
import io.muster.adapter.MemberRemover;
import io.muster.adapter.swarm.DockerEngine.EngineInfo;
import io.muster.adapter.swarm.DockerEngine.JoinSpec;
import io.muster.adapter.swarm.DockerEngine.SwarmCluster;
import io.muster.adapter.swarm.DockerEngine.SwarmNode;
import io.muster.adapter.swarm.SwarmSettings.RolePolicy;
import io.muster.config.Durations;
import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.net.IpLiteral;
import io.muster.time.Sleeper;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker Swarm through the local engine's API socket. Join tokens travel only in request bodies
 * over that socket: never in argv, never in a message.
 *
 * <p>Roles: the node that forms is a manager (swarm init makes it one); a joining node is a manager
 * or a worker by {@link SwarmRole#assign}. Labels: a manager sets {@code adapter.swarm.labels} on
 * its own node; a worker cannot (the engine lets only managers change node objects), so labels on
 * workers are left to an operator or to engine labels (see docs/adapters/swarm.md).
 */
public final class SwarmAdapter implements ClusterAdapter, MemberRemover {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmAdapter.class);

  static final Duration POLL = Duration.ofMillis(500);
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
  private static final int UPDATE_ATTEMPTS = 3;

  private final SwarmSettings settings;
  private final Supplier<NodeIdentity> identity;
  private final DockerEngine engine;
  private final NodeCertificate certificate;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ManagerCertificate managers;

  /** How long reading a join target's certificate may take (connect, then handshake). */
  static final Duration TARGET_CHECK_TIMEOUT = Duration.ofSeconds(5);

  /** The swarm id this node formed or joined in this process, for {@link #verify}. */
  private volatile String expectedClusterId;

  public SwarmAdapter(
      SwarmSettings settings,
      Supplier<NodeIdentity> identity,
      DockerEngine engine,
      NodeCertificate certificate,
      Clock clock,
      Sleeper sleeper) {
    this(
        settings,
        identity,
        engine,
        certificate,
        clock,
        sleeper,
        ManagerCertificate.tls(TARGET_CHECK_TIMEOUT));
  }

  public SwarmAdapter(
      SwarmSettings settings,
      Supplier<NodeIdentity> identity,
      DockerEngine engine,
      NodeCertificate certificate,
      Clock clock,
      Sleeper sleeper,
      ManagerCertificate managers) {
    this.settings = settings;
    this.identity = identity;
    this.engine = engine;
    this.certificate = certificate;
    this.clock = clock;
    this.sleeper = sleeper;
    this.managers = managers;
  }

  @Override
  public String name() {
    return "swarm";
  }

  // ---------------------------------------------------------------- inspect

  @Override
  public LocalMembership inspect() throws AdapterException {
    EngineInfo info;
    try {
      info = engine.info();
    } catch (EngineException e) {
      if (e.unreachable()) {
        return new LocalMembership(false, false, null, List.of());
      }
      throw failure("read this node's swarm state", e, true);
    }
    if (!info.active()) {
      return new LocalMembership(true, false, null, List.of());
    }
    List<String> members;
    if (info.controlAvailable()) {
      members =
          call("list the swarm's nodes", engine::nodes).stream()
              .filter(n -> !"down".equals(n.state()))
              .map(SwarmNode::addr)
              .toList();
    } else {
      members = info.remoteManagers().stream().map(SwarmAdapter::hostOf).toList();
    }
    return new LocalMembership(true, true, clusterIdOf(info), members);
  }

  // ---------------------------------------------------------------- form

  @Override
  public Credentials form(FormRequest request) throws AdapterException {
    NodeIdentity self = request.self();
    if (settings.role() == RolePolicy.WORKER) {
      LOG.warn(
          "adapter.swarm.role=worker, but this node was elected to form the swarm: swarm init makes"
              + " it a manager (a swarm cannot exist without one)");
    }
    EngineInfo info = info("form the swarm");
    switch (info.localNodeState()) {
      case "active" -> {
        if (!info.controlAvailable()) {
          throw new AdapterException(
              "cannot form a swarm: this node is already a worker of swarm "
                  + describeId(clusterIdOf(info))
                  + ". If it should start a new swarm, run `docker swarm leave` on it first",
              false);
        }
        // A restart after swarm init but before the tokens were published: publish them now.
        LOG.info(
            "this node already manages swarm {}; resuming formation with its tokens",
            info.clusterId());
      }
      case "pending" -> cancelPendingJoin();
      case "locked" -> throw locked();
      case "error" -> throw inError(info);
      default -> {
        // inactive
      }
    }
    if (!info.active()) {
      String addr = hostPort(self.address());
      LOG.info("initialising a swarm: listen and advertise address {}", addr);
      call("initialise the swarm (POST /swarm/init)", () -> engine.initSwarm(addr, addr));
    }
    SwarmCluster cluster = call("read the join tokens (GET /swarm)", engine::swarm);
    if (cluster.workerToken().reveal().isEmpty() || cluster.managerToken().reveal().isEmpty()) {
      throw new AdapterException(
          "the engine returned empty join tokens for swarm " + cluster.id(), true);
    }
    EngineInfo after = info("read this node's swarm state");
    ensureLabels(after.nodeId());
    expectedClusterId = cluster.id();
    LOG.info("formed swarm {}; publishing its join tokens", cluster.id());
    return new Credentials(
        Map.of(
            SwarmCredentials.MANAGER_TOKEN, cluster.managerToken(),
            SwarmCredentials.WORKER_TOKEN, cluster.workerToken(),
            SwarmCredentials.CLUSTER_ID, Secret.of(cluster.id())));
  }

  // ---------------------------------------------------------------- join

  /** The target's own swarm management port answers ({@link #verifyTarget}). */
  @Override
  public boolean provesTargets() {
    return true;
  }

  /**
   * The target proves it is in the cluster's swarm when the certificate it presents on the swarm
   * management port names the swarm id the founder published ({@code swarm-cluster-id}, not a
   * secret). A separate single-node swarm on a dead member's address names its own id and is
   * refused; so is an address where no manager listens (a swarm join only goes through managers).
   * Credentials without a published id (a swarm formed before muster published it) cannot be
   * checked: the target is then taken as it is, as before.
   */
  @Override
  public Optional<String> verifyTarget(JoinRequest request, Peer target) {
    Optional<String> expected =
        request.credentials().get(SwarmCredentials.CLUSTER_ID).map(Secret::reveal);
    if (expected.isEmpty()) {
      return Optional.empty();
    }
    String host = IpLiteral.format(target.address());
    ManagerCertificate.Answer a = managers.at(host, settings.listenPort());
    if (a instanceof ManagerCertificate.NoManager no) {
      return Optional.of("not a swarm manager: " + no.why());
    }
    ManagerCertificate.Swarm swarm = (ManagerCertificate.Swarm) a;
    if (!swarm.swarmId().equals(expected.get())) {
      return Optional.of(
          "its swarm management port ("
              + hostPort(target.address())
              + ") belongs to swarm "
              + swarm.swarmId()
              + ", not to cluster "
              + request.cluster()
              + "'s swarm "
              + expected.get()
              + " (a separate swarm on a member's address?)");
    }
    return Optional.empty();
  }

  @Override
  public JoinResult join(JoinRequest request) throws AdapterException {
    NodeIdentity self = request.self();
    String expected =
        request.credentials().get(SwarmCredentials.CLUSTER_ID).map(Secret::reveal).orElse(null);
    EngineInfo info = info("join the swarm");
    switch (info.localNodeState()) {
      case "active" -> {
        alreadyMember(info, expected, request);
        return JoinResult.alreadyWith(managerAmong(info, request.members()));
      }
      case "pending" -> cancelPendingJoin();
      case "locked" -> throw locked();
      case "error" -> throw inError(info);
      default -> {
        // inactive: join below
      }
    }
    SwarmRole role =
        SwarmRole.assign(settings.role(), settings.managers(), self.address(), request.view());
    Secret token =
        request
            .credentials()
            .get(role.tokenName())
            .orElseThrow(
                () ->
                    new CredentialsRejectedException(
                        "the credential store holds no "
                            + role.tokenName()
                            + " for cluster "
                            + request.cluster()
                            + " (it has "
                            + request.credentials()
                            + "); the forming node publishes it"));
    List<Peer> targets =
        SwarmRole.joinOrder(request.members(), request.view(), settings.managers(), self.address());
    if (targets.isEmpty()) {
      throw new AdapterException(
          "no member other than this node to join through: " + request.members(), true);
    }
    LOG.info("joining as a {} ({})", role.word(), role.reason());
    String own = hostPort(self.address());
    List<String> failures = new ArrayList<>();
    Peer joined = null;
    for (Peer target : targets) {
      String remote = hostPort(target.address());
      // One address per attempt: the engine only ever dials the first of RemoteAddrs.
      try {
        engine.joinSwarm(new JoinSpec(own, own, List.of(remote), token));
        joined = target;
        LOG.info("joined through {}", remote);
        break;
      } catch (EngineException e) {
        JoinFailure kind = JoinFailure.of(e);
        if (kind == JoinFailure.TOKEN_REJECTED) {
          throw new CredentialsRejectedException(
              "the swarm manager at "
                  + remote
                  + " rejected this node's "
                  + role.tokenName()
                  + " ("
                  + e.engineMessage()
                  + "): the token was rotated or belongs to an earlier swarm. If re-reading the"
                  + " credential store does not help, publish the current token (`docker swarm"
                  + " join-token -q "
                  + role.word()
                  + "` on a manager) to the store",
              e);
        }
        if (e.unreachable()) {
          throw failure("join the swarm", e, true); // our own engine went away
        }
        // Any other failure is about this target: settle this engine's state, try the next.
        EngineInfo now = info("check the join through " + remote);
        if (now.active()) {
          joined = target; // it got through after all (a slow join, or a concurrent one)
          break;
        }
        if (!"inactive".equals(now.localNodeState())) {
          cancelPendingJoin();
        }
        failures.add(remote + ": " + e.engineMessage());
        LOG.info(
            "join through {} failed ({}: {}); trying the next member",
            remote,
            kind,
            e.getMessage());
      }
    }
    if (joined == null) {
      throw new AdapterException(
          "could not join through any member "
              + failures
              + ": none was a reachable swarm manager. Check that "
              + settings.listenPort()
              + "/tcp (management), 7946/tcp+udp and 4789/udp are open between the nodes",
          true);
    }
    EngineInfo now = awaitInfo(EngineInfo::active, "this node to become an active swarm member");
    String actual = clusterIdOf(now);
    if (expected != null && actual != null && !expected.equals(actual)) {
      throw new AdapterException(
          "joined swarm " + actual + " but the cluster's swarm-cluster-id is " + expected, false);
    }
    expectedClusterId = expected != null ? expected : actual;
    if (now.controlAvailable()) {
      ensureLabels(now.nodeId());
    } else {
      warnLabelsOnWorker();
    }
    return JoinResult.through(joined);
  }

  /**
   * The member this node, already in the swarm, is connected to: the first of {@code members} the
   * engine lists among its managers (itself, on a manager), else the best member.
   */
  private static Peer managerAmong(EngineInfo info, List<Peer> members) {
    List<InetAddress> managers =
        info.remoteManagers().stream()
            .map(SwarmAdapter::hostOf)
            .map(IpLiteral::parseOrNull)
            .toList();
    return members.stream()
        .filter(m -> managers.contains(m.address()))
        .findFirst()
        .orElse(members.get(0));
  }

  /** Idempotent re-join: verify that the swarm is the expected one, reconcile labels, no more. */
  private void alreadyMember(EngineInfo info, String expected, JoinRequest request)
      throws AdapterException {
    String actual = clusterIdOf(info);
    if (expected != null && actual != null) {
      if (!expected.equals(actual)) {
        throw new AdapterException(
            "this node is already a member of swarm "
                + actual
                + ", not of swarm "
                + expected
                + " of cluster "
                + request.cluster()
                + ". muster never moves a node between swarms: if it belongs to "
                + request.cluster()
                + ", run `docker swarm leave` on it (with --force on a manager, after `docker node"
                + " demote` elsewhere) and run muster join again",
            false);
      }
    } else {
      // A worker whose certificate is unreadable, or credentials without swarm-cluster-id: the
      // best remaining evidence is that it talks to managers the cluster knows.
      List<InetAddress> known =
          new ArrayList<>(request.members().stream().map(Peer::address).toList());
      request.view().forEach(p -> known.add(p.address()));
      boolean overlap =
          info.controlAvailable()
              || info.remoteManagers().stream()
                  .map(SwarmAdapter::hostOf)
                  .map(IpLiteral::parseOrNull)
                  .anyMatch(known::contains);
      if (!overlap) {
        throw new AdapterException(
            "this node is already in a swarm whose managers "
                + info.remoteManagers()
                + " are none of cluster "
                + request.cluster()
                + "'s nodes; run `docker swarm leave` on it if it belongs to "
                + request.cluster(),
            false);
      }
      LOG.warn(
          "cannot read which swarm this node is in (node certificate under {} unreadable, or no"
              + " swarm-cluster-id in the store); its managers {} are cluster members, so it is"
              + " taken as a member",
          info.dockerRootDir(),
          info.remoteManagers());
    }
    if (info.controlAvailable()) {
      ensureLabels(info.nodeId());
    } else {
      warnLabelsOnWorker();
    }
    expectedClusterId = expected != null ? expected : actual;
    LOG.info(
        "already an active {} of swarm {}: nothing to change",
        info.controlAvailable() ? "manager" : "worker",
        describeId(actual));
  }

  // ---------------------------------------------------------------- verify

  @Override
  public Optional<String> verify(List<Peer> expectedMembers) throws AdapterException {
    EngineInfo info = info("verify swarm membership");
    if (!info.active()) {
      return Optional.of(
          "this node is not an active swarm member (LocalNodeState="
              + info.localNodeState()
              + (info.error().isEmpty() ? "" : ", engine error: " + info.error())
              + ")");
    }
    String actual = clusterIdOf(info);
    String expected = expectedClusterId;
    if (expected != null && actual != null && !expected.equals(actual)) {
      return Optional.of("this node is in swarm " + actual + ", expected swarm " + expected);
    }
    if (!info.controlAvailable()) {
      // A worker cannot list nodes; that it knows a manager is all it can check.
      return info.remoteManagers().isEmpty()
          ? Optional.of("this worker knows no swarm manager")
          : Optional.empty();
    }
    List<SwarmNode> nodes;
    try {
      nodes = engine.nodes();
    } catch (EngineException e) {
      return Optional.of(
          "this manager cannot list the swarm's nodes (" + e.engineMessage() + "): no quorum?");
    }
    List<String> missing = new ArrayList<>();
    for (Peer p : expectedMembers) {
      boolean ready =
          nodes.stream().anyMatch(n -> sameAddress(n.addr(), p.address()) && isReady(n));
      if (!ready) {
        missing.add(p.addressText());
      }
    }
    // One ready expected member is enough (see ClusterAdapter#verify): a dead one shows as down.
    if (!missing.isEmpty() && missing.size() == expectedMembers.size()) {
      return Optional.of("the swarm has no ready node at " + missing);
    }
    Optional<SwarmNode> me = nodes.stream().filter(n -> n.id().equals(info.nodeId())).findFirst();
    if (me.isPresent() && !me.get().reachable()) {
      return Optional.of("this manager is " + me.get().reachability() + " in the raft group");
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- leave

  @Override
  public void leave(boolean force) throws AdapterException {
    EngineInfo info = info("leave the swarm");
    switch (info.localNodeState()) {
      case "inactive" -> {
        LOG.info("not in a swarm: nothing to leave");
        return;
      }
      case "pending" -> {
        cancelPendingJoin();
        return;
      }
      case "locked", "error" -> {
        if (!force) {
          throw new AdapterException(
              "the swarm on this node is "
                  + info.localNodeState()
                  + (info.error().isEmpty() ? "" : " (" + info.error() + ")")
                  + ": leaving it cleanly is impossible; leave with force to drop it",
              false);
        }
        leaveEngine(true);
        return;
      }
      default -> {
        // active
      }
    }
    if (!info.controlAvailable()) {
      leaveEngine(false);
      awaitInfo(i -> !i.active(), "this worker to leave the swarm");
      LOG.info("left the swarm (worker)");
      return;
    }
    Quorum quorum = quorumAfterLeaving(info);
    if (!quorum.allowed()) {
      if (!force) {
        throw new AdapterException(
            "refusing to leave the swarm: "
                + quorum.reason()
                + ". Bring the unreachable managers back (or demote and remove them on a healthy"
                + " manager: docker node demote ID; docker node rm ID) and leave again, or leave"
                + " with force if losing the swarm's control plane is acceptable",
            false);
      }
      LOG.warn("leaving the swarm with force although {}", quorum.reason());
      leaveEngine(true);
      awaitInfo(i -> !i.active(), "this manager to leave the swarm");
      return;
    }
    LOG.info("leaving as a manager: {}; demoting this node first", quorum.reason());
    demote(info.nodeId());
    awaitInfo(i -> !i.controlAvailable(), "this node's demotion to worker");
    Instant deadline = clock.instant().plus(SETTLE_TIMEOUT);
    while (true) {
      try {
        engine.leaveSwarm(false);
        break;
      } catch (EngineException e) {
        // Right after a demotion the engine may still see itself as a manager for a moment.
        if (e.status() == 0 || !clock.instant().isBefore(deadline)) {
          throw failure("leave the swarm after demotion", e, true);
        }
        LOG.info("leave not accepted yet ({}); retrying", e.engineMessage());
        pause(POLL);
      }
    }
    awaitInfo(i -> !i.active(), "this node to leave the swarm");
    LOG.info("left the swarm (demoted from manager first)");
  }

  private Quorum quorumAfterLeaving(EngineInfo info) {
    List<SwarmNode> nodes;
    try {
      nodes = engine.nodes();
    } catch (EngineException e) {
      return new Quorum(
          false,
          "this manager cannot list the swarm's managers ("
              + e.engineMessage()
              + "), so the swarm may already have lost its quorum");
    }
    List<SwarmNode> managers = nodes.stream().filter(SwarmNode::isManager).toList();
    int reachable =
        (int) managers.stream().filter(n -> n.reachable() || n.id().equals(info.nodeId())).count();
    if (managers.stream().noneMatch(n -> n.id().equals(info.nodeId()))) {
      // Should not happen on a manager; count it so the numbers stay consistent.
      return Quorum.afterLeaving(managers.size() + 1, reachable + 1);
    }
    return Quorum.afterLeaving(managers.size(), reachable);
  }

  private void demote(String nodeId) throws AdapterException {
    for (int attempt = 1; ; attempt++) {
      SwarmNode me = call("read this node (GET /nodes/" + nodeId + ")", () -> engine.node(nodeId));
      if ("worker".equals(me.spec().role())) {
        return;
      }
      try {
        engine.updateNode(nodeId, me.version(), me.spec().withRole("worker"));
        return;
      } catch (EngineException e) {
        if (attempt >= UPDATE_ATTEMPTS || !outOfSequence(e)) {
          throw failure("demote this node to worker", e, true);
        }
      }
    }
  }

  // ---------------------------------------------------------------- remove

  @Override
  public void remove(Peer member) throws AdapterException {
    EngineInfo info = info("remove a node from the swarm");
    if (!info.active() || !info.controlAvailable()) {
      throw new AdapterException(
          "only a swarm manager can remove nodes, and this node is "
              + (info.active() ? "a worker" : "not in a swarm"),
          false);
    }
    List<SwarmNode> atAddress =
        call("list the swarm's nodes", engine::nodes).stream()
            .filter(n -> sameAddress(n.addr(), member.address()))
            .toList();
    if (atAddress.isEmpty()) {
      LOG.info("no swarm node at {}: nothing to remove", member.addressText());
      return;
    }
    List<SwarmNode> down = atAddress.stream().filter(n -> "down".equals(n.state())).toList();
    if (down.isEmpty()) {
      throw new AdapterException(
          "the swarm node at "
              + member.addressText()
              + " is "
              + atAddress.stream().map(SwarmNode::state).collect(Collectors.joining(", "))
              + ", not down: a node that left is marked down ~10-15 s later; only down nodes are"
              + " removed (a ready node at that address may be a new instance)",
          true);
    }
    for (SwarmNode n : down) {
      if (n.isManager()) {
        // The engine refuses to remove a raft member; demoting it first needs quorum.
        demote(n.id());
      }
      try {
        engine.removeNode(n.id(), false);
        LOG.info("removed down swarm node {} at {}", n.id(), n.addr());
      } catch (EngineException e) {
        if (e.status() != 404) {
          throw failure("remove swarm node " + n.id() + " at " + n.addr(), e, true);
        }
      }
    }
  }

  // ---------------------------------------------------------------- plan

  @Override
  public List<String> plan(String decisionKind, List<Peer> targets) {
    String self;
    try {
      self = hostPort(identity.get().address());
    } catch (RuntimeException e) {
      self = "<node.address>:" + settings.listenPort();
    }
    List<String> steps = new ArrayList<>();
    String labels =
        settings.labels().isEmpty()
            ? null
            : "POST /v1.41/nodes/<this node>/update?version=V: labels "
                + settings.labels()
                + " (only as a manager; a worker cannot label itself)";
    steps.add("Docker engine: " + engine.describe() + " (Engine API v1.41; no docker CLI)");
    switch (decisionKind == null ? "" : decisionKind.toLowerCase(java.util.Locale.ROOT)) {
      case "form" -> {
        steps.add("GET /v1.41/info: if already a swarm manager, reuse that swarm");
        steps.add("POST /v1.41/swarm/init ListenAddr=" + self + " AdvertiseAddr=" + self);
        steps.add(
            "GET /v1.41/swarm: publish "
                + SwarmCredentials.MANAGER_TOKEN
                + "=<redacted>, "
                + SwarmCredentials.WORKER_TOKEN
                + "=<redacted>, "
                + SwarmCredentials.CLUSTER_ID);
        if (labels != null) {
          steps.add(labels);
        }
      }
      case "join" -> {
        steps.add(
            "GET /v1.41/info: if already active in the swarm named by "
                + SwarmCredentials.CLUSTER_ID
                + ", only verify; in another swarm, fail");
        String role =
            switch (settings.role()) {
              case MANAGER -> "manager (adapter.swarm.role=manager)";
              case WORKER -> "worker (adapter.swarm.role=worker)";
              default ->
                  "manager if among the first "
                      + settings.managers()
                      + " of the ranked view, else worker (adapter.swarm.role=auto)";
            };
        steps.add("role: " + role);
        String remotes =
            targets.stream()
                .map(p -> hostPort(p.address()))
                .collect(Collectors.joining(", ", "[", "]"));
        steps.add(
            "POST /v1.41/swarm/join ListenAddr="
                + self
                + " AdvertiseAddr="
                + self
                + " JoinToken=<redacted swarm-"
                + "manager|worker-token> RemoteAddrs=<one of "
                + remotes
                + ", likely managers first, next on failure>");
        steps.add(
            "GET /v1.41/info until LocalNodeState=active; compare the swarm id with "
                + SwarmCredentials.CLUSTER_ID);
        if (labels != null) {
          steps.add(labels);
        }
      }
      default -> steps.add("nothing to do with the swarm yet (" + decisionKind + ")");
    }
    return steps;
  }

  // ---------------------------------------------------------------- helpers

  private void ensureLabels(String nodeId) throws AdapterException {
    if (settings.labels().isEmpty()) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      SwarmNode me = call("read this node (GET /nodes/" + nodeId + ")", () -> engine.node(nodeId));
      Map<String, String> merged = new LinkedHashMap<>(me.spec().labels());
      merged.putAll(settings.labels());
      if (merged.equals(me.spec().labels())) {
        return;
      }
      try {
        engine.updateNode(nodeId, me.version(), me.spec().withLabels(merged));
        LOG.info("set swarm node labels {} on this node", settings.labels());
        return;
      } catch (EngineException e) {
        if (attempt >= UPDATE_ATTEMPTS || !outOfSequence(e)) {
          throw failure("set the labels " + settings.labels() + " on this node", e, true);
        }
      }
    }
  }

  private void warnLabelsOnWorker() {
    if (!settings.labels().isEmpty()) {
      LOG.warn(
          "adapter.swarm.labels {} not applied: this node is a swarm worker, and only managers can"
              + " change node labels (set them from a manager: docker node update --label-add), or"
              + " use engine labels (daemon.json \"labels\", constraint engine.labels.KEY)",
          settings.labels());
    }
  }

  private void cancelPendingJoin() throws AdapterException {
    // "pending" is a join still retrying in the background (its target never answered);
    // a forced leave is the engine's only way to cancel it.
    LOG.info("cancelling an earlier swarm join that is still pending");
    leaveEngine(true);
    awaitInfo(i -> "inactive".equals(i.localNodeState()), "the pending join to be cancelled");
  }

  private void leaveEngine(boolean force) throws AdapterException {
    try {
      engine.leaveSwarm(force);
    } catch (EngineException e) {
      if (e.engineMessage().toLowerCase(java.util.Locale.ROOT).contains("not part of a swarm")) {
        return;
      }
      throw failure("leave the swarm (POST /swarm/leave?force=" + force + ")", e, true);
    }
  }

  private EngineInfo awaitInfo(Predicate<EngineInfo> done, String what) throws AdapterException {
    Instant deadline = clock.instant().plus(SETTLE_TIMEOUT);
    while (true) {
      EngineInfo i = info("wait for " + what);
      if (done.test(i)) {
        return i;
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new AdapterException(
            "timed out after "
                + Durations.format(SETTLE_TIMEOUT)
                + " waiting for "
                + what
                + " (LocalNodeState="
                + i.localNodeState()
                + (i.error().isEmpty() ? "" : ", engine error: " + i.error())
                + ")",
            true);
      }
      pause(POLL);
    }
  }

  private void pause(Duration d) throws AdapterException {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdapterException("interrupted while waiting for the Docker engine", false, e);
    }
  }

  private EngineInfo info(String step) throws AdapterException {
    return call(step, engine::info);
  }

  private String clusterIdOf(EngineInfo info) {
    if (info.clusterId() != null) {
      return info.clusterId();
    }
    return certificate.clusterId(info.dockerRootDir()).orElse(null);
  }

  @FunctionalInterface
  private interface EngineCall<T> {
    T run() throws EngineException;
  }

  private <T> T call(String step, EngineCall<T> c) throws AdapterException {
    try {
      return c.run();
    } catch (EngineException e) {
      throw failure(step, e, true);
    }
  }

  private AdapterException failure(String step, EngineException e, boolean retryable) {
    if (e.unreachable()) {
      return new AdapterException(
          "cannot "
              + step
              + ": the Docker engine at "
              + engine.describe()
              + " does not answer ("
              + e.engineMessage()
              + "). Start it (systemctl start docker) or set adapter.swarm.socket",
          true,
          e);
    }
    return new AdapterException("cannot " + step + ": " + e.getMessage(), retryable, e);
  }

  private static AdapterException locked() {
    return new AdapterException(
        "the swarm on this node is locked (autolock): unlock it with `docker swarm unlock` and the"
            + " unlock key, then run muster again",
        false);
  }

  private static AdapterException inError(EngineInfo info) {
    return new AdapterException(
        "the swarm on this node is in state error ("
            + info.error()
            + "); inspect `docker info`, and if the node should start afresh run `docker swarm leave"
            + " --force`",
        false);
  }

  private static boolean outOfSequence(EngineException e) {
    return e.engineMessage().toLowerCase(java.util.Locale.ROOT).contains("out of sequence");
  }

  private static boolean isReady(SwarmNode n) {
    return "ready".equals(n.state());
  }

  private static String describeId(String id) {
    return id == null ? "(id unknown)" : id;
  }

  private String hostPort(InetAddress a) {
    String host = IpLiteral.format(a);
    return (a instanceof Inet6Address ? "[" + host + "]" : host) + ":" + settings.listenPort();
  }

  /** "10.0.0.1:2377" -> "10.0.0.1"; "[fd00::1]:2377" -> "fd00::1". */
  static String hostOf(String hostPort) {
    String h = hostPort;
    int colon = h.lastIndexOf(':');
    if (colon > 0 && (h.indexOf(':') == colon || h.startsWith("["))) {
      h = h.substring(0, colon);
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h;
  }

  private static boolean sameAddress(String text, InetAddress a) {
    InetAddress parsed = IpLiteral.parseOrNull(text);
    return parsed != null && parsed.equals(a);
  }
}
