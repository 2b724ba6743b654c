package io.muster.sim;

import io.muster.adapter.AdapterException;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.JoinResult;
import io.muster.adapter.LocalMembership;
import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.model.Peer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A clustered system that behaves like ejabberd (Mnesia): {@code form} makes a cluster of this node
 * alone; {@code join} through a node that is in cluster X puts this node into X (leaving whatever
 * it was in); joining through a standalone node either fails or makes a new cluster of the two (the
 * danger S1 is about); joining through a dead node fails; a terminated instance's membership dies
 * with it. Each cluster has an Erlang-cookie-like secret that a joiner must present.
 */
final class SimClusters {
  /** One cluster of the clustered system. */
  static final class Cluster {
    final int id;
    final long createdAt;
    final int fleet;
    final LinkedHashSet<Node> members = new LinkedHashSet<>();
    Secret cookie;

    /** The generation's cluster id muster formed it as (null: made by a join, or naive). */
    String clusterId;

    /** Whether it lost its last member to a termination (not to a node leaving for another). */
    boolean diedWithItsMembers;

    Cluster(int id, long createdAt, int fleet, Secret cookie) {
      this.id = id;
      this.createdAt = createdAt;
      this.fleet = fleet;
      this.cookie = cookie;
    }

    @Override
    public String toString() {
      List<String> shown = new ArrayList<>();
      for (Node m : members) {
        if (shown.size() == 4) {
          shown.add("... " + (members.size() - 4) + " more");
          break;
        }
        shown.add(m.toString());
      }
      return "cluster#" + id + " " + shown;
    }
  }

  /** What the clustered system reports to the run's checks. */
  interface Listener {
    void s2Violation(Node n, String detail);
  }

  static final Secret IMAGE_COOKIE = Secret.of("baked-into-the-image");

  private final VirtualClock clock;
  private final SplittableRandom random;
  private final double pairJoin;
  private final Faults faults;
  private final Function<Peer, Node> liveByAddress;
  private final Listener listener;
  private final List<Cluster> all = new ArrayList<>();
  private int liveClusters;
  private int cookies;

  SimClusters(
      VirtualClock clock,
      SplittableRandom random,
      double pairJoin,
      Faults faults,
      Function<Peer, Node> liveByAddress,
      Listener listener) {
    this.clock = clock;
    this.random = random;
    this.pairJoin = pairJoin;
    this.faults = faults;
    this.liveByAddress = liveByAddress;
    this.listener = listener;
  }

  /** Clusters that currently have at least one live member (S1: at most one). */
  int liveClusters() {
    return liveClusters;
  }

  /** Every cluster ever made, in order. */
  List<Cluster> all() {
    return all;
  }

  List<Cluster> live() {
    List<Cluster> out = new ArrayList<>();
    for (Cluster c : all) {
      if (!c.members.isEmpty()) {
        out.add(c);
      }
    }
    return out;
  }

  /** A terminated instance's membership dies with it. */
  void kill(Node n) {
    leave(n, true);
  }

  private void leave(Node n, boolean killed) {
    Cluster c = n.cluster;
    if (c == null) {
      return;
    }
    c.members.remove(n);
    n.cluster = null;
    if (c.members.isEmpty()) {
      liveClusters--;
      c.diedWithItsMembers = killed;
    }
  }

  private void enter(Node n, Cluster c) {
    leave(n, false);
    if (c.members.isEmpty()) {
      liveClusters++;
    }
    c.members.add(n);
    n.cluster = c;
    n.everMember = true;
  }

  private Cluster create(int fleet, Secret cookie) {
    Cluster c = new Cluster(all.size() + 1, clock.now(), fleet, cookie);
    all.add(c);
    return c;
  }

  private Secret newCookie() {
    return Secret.of("cookie-" + (++cookies));
  }

  /** The adapter on node {@code n}; {@code imageCookie} for the naive script's baked-in cookie. */
  ClusterAdapter adapter(Node n, boolean imageCookie) {
    return new NodeAdapter(n, imageCookie);
  }

  /** Whether {@code p}'s address belongs to a live node that is in a cluster (a probe answers). */
  boolean answersAsMember(Peer p) {
    Node t = liveByAddress.apply(p);
    return t != null && t.cluster != null;
  }

  private final class NodeAdapter implements ClusterAdapter {
    private final Node n;
    private final boolean imageCookie;

    NodeAdapter(Node n, boolean imageCookie) {
      this.n = n;
      this.imageCookie = imageCookie;
    }

    @Override
    public String name() {
      return "sim";
    }

    @Override
    public LocalMembership inspect() {
      faults.before(n, Op.INSPECT);
      Cluster c = n.cluster;
      List<String> names = new ArrayList<>();
      if (c != null) {
        for (Node m : c.members) {
          names.add(m.peer.addressText());
        }
      }
      // Clustered like Mnesia's schema says: with other nodes, or inside a cluster someone else
      // formed even when its other members have died (their nodes stay in the schema); a node
      // that formed a cluster and is alone in it is not.
      boolean clustered =
          c != null && (c.members.size() > 1 || !n.formedIds.contains(String.valueOf(c.clusterId)));
      LocalMembership m = new LocalMembership(true, clustered, null, names);
      faults.after(n, Op.INSPECT);
      return m;
    }

    @Override
    public Credentials form(FormRequest request) {
      faults.before(n, Op.FORM);
      n.formCalls++;
      if (n.everMember && !n.formedIds.contains(request.clusterId())) {
        listener.s2Violation(
            n,
            n
                + " was a member (of "
                + n.cluster
                + ") and formed a new cluster "
                + request.clusterId());
      }
      Secret cookie = imageCookie ? IMAGE_COOKIE : newCookie();
      if (n.cluster != null && n.cluster.members.size() == 1) {
        // Already a cluster of itself: forming again re-initialises it (new cookie).
        n.cluster.cookie = cookie;
      } else {
        enter(n, create(n.fleet, cookie));
      }
      n.cluster.clusterId = request.clusterId();
      n.formedIds.add(request.clusterId());
      faults.after(n, Op.FORM);
      return new Credentials(Map.of("cookie", cookie));
    }

    @Override
    public boolean provesTargets() {
      return true;
    }

    /**
     * The target answers with its cluster (like ejabberd's cluster membership or a swarm's id): it
     * proves membership only when it is in the cluster formed as the request's generation.
     */
    @Override
    public Optional<String> verifyTarget(JoinRequest request, Peer target) {
      n.targetChecks++;
      Node t = liveByAddress.apply(target);
      if (t == null) {
        return Optional.of("does not answer");
      }
      if (t.cluster == null) {
        return Optional.of("is a standalone node, in no cluster (a new instance on the address?)");
      }
      if (!request.clusterId().equals(t.cluster.clusterId)) {
        return Optional.of(
            "is in another cluster ("
                + (t.cluster.clusterId == null ? "cluster#" + t.cluster.id : t.cluster.clusterId)
                + "), not "
                + request.clusterId());
      }
      return Optional.empty();
    }

    @Override
    public JoinResult join(JoinRequest request) throws AdapterException {
      faults.before(n, Op.JOIN);
      n.joinCalls++;
      Secret presented = request.credentials().get("cookie").orElse(null);
      List<String> why = new ArrayList<>();
      JoinResult joined = null;
      for (Peer p : request.members()) {
        Node t = liveByAddress.apply(p);
        if (t == null) {
          why.add(p.addressText() + " does not answer");
          continue;
        }
        if (t == n) {
          why.add(p.addressText() + " is this node");
          continue;
        }
        if (t.cluster != null) {
          if (t.cluster == n.cluster) {
            joined = JoinResult.alreadyWith(p);
            break;
          }
          if (presented == null || !presented.equals(t.cluster.cookie)) {
            throw new CredentialsRejectedException(
                "join through " + p.addressText() + " refused: wrong cookie");
          }
          enter(n, t.cluster);
          joined = JoinResult.through(p);
          break;
        }
        if (random.nextDouble() < pairJoin) {
          // Joining a standalone node makes a new cluster of the two.
          Cluster c = create(n.fleet, presented == null ? newCookie() : presented);
          enter(t, c);
          enter(n, c);
          joined = JoinResult.through(p);
          break;
        }
        why.add(p.addressText() + " is not in a cluster");
      }
      if (joined == null) {
        throw new AdapterException("join failed: " + String.join("; ", why), true);
      }
      faults.after(n, Op.JOIN);
      return joined;
    }

    @Override
    public Optional<String> verify(List<Peer> expectedMembers) {
      faults.before(n, Op.VERIFY);
      Optional<String> problem = Optional.empty();
      if (n.cluster == null) {
        problem = Optional.of("this node is not in a cluster");
      } else if (!expectedMembers.isEmpty()
          && expectedMembers.stream()
              .map(liveByAddress)
              .noneMatch(t -> t != null && t.cluster == n.cluster)) {
        problem =
            Optional.of(
                "none of "
                    + expectedMembers.stream().map(Peer::addressText).limit(5).toList()
                    + (expectedMembers.size() > 5 ? " (" + expectedMembers.size() + " in all)" : "")
                    + " is in this node's cluster");
      }
      faults.after(n, Op.VERIFY);
      return problem;
    }

    @Override
    public void leave(boolean force) {
      SimClusters.this.leave(n, false);
    }

    @Override
    public List<String> plan(String decisionKind, List<Peer> targets) {
      return List.of();
    }
  }
}
