package io.muster.bootstrap;

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
import io.muster.testing.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test doubles for the bootstrap flow: one shared "world" of clusters and its nodes' adapters. */
final class Fakes {
  private Fakes() {}

  /** test-support's manual clock, starting where these tests always started. */
  static final class MutableClock extends ManualClock {
    MutableClock() {
      super(Instant.parse("2026-11-21T10:00:00Z"));
    }
  }

  /** Clusters as sets of node ids, shared by every adapter of a test. Behaves like ejabberd. */
  static final class World {
    final Map<String, Integer> clusterOf = new HashMap<>();
    int nextCluster = 1;
    String cookie;

    int clusters() {
      return (int) clusterOf.values().stream().distinct().count();
    }
  }

  static final class FakeAdapter implements ClusterAdapter {
    final World world;
    final String node;
    final List<String> calls = new ArrayList<>();
    boolean running = true;
    int rejectCredentials;
    int failJoins;

    FakeAdapter(World world, String node) {
      this.world = world;
      this.node = node;
    }

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public LocalMembership inspect() {
      calls.add("inspect");
      Integer c = world.clusterOf.get(node);
      return new LocalMembership(running, c != null, c == null ? null : "c" + c, List.of());
    }

    @Override
    public Credentials form(FormRequest request) {
      calls.add("form");
      world.clusterOf.put(node, world.nextCluster++);
      world.cookie = "cookie-" + request.clusterId();
      return new Credentials(Map.of("cookie", Secret.of(world.cookie)));
    }

    @Override
    public JoinResult join(JoinRequest request) throws AdapterException {
      calls.add("join:" + request.members().get(0).identity());
      if (rejectCredentials > 0) {
        rejectCredentials--;
        throw new CredentialsRejectedException("no_ping: wrong cookie");
      }
      if (failJoins > 0) {
        failJoins--;
        throw new AdapterException("target down", true);
      }
      Integer target = world.clusterOf.get(request.members().get(0).identity());
      if (target == null) {
        throw new AdapterException("target is not running a cluster", true);
      }
      world.clusterOf.put(node, target);
      return JoinResult.through(request.members().get(0));
    }

    @Override
    public Optional<String> verify(List<Peer> expected) {
      calls.add("verify");
      Integer mine = world.clusterOf.get(node);
      if (mine == null) {
        return Optional.of("not in a cluster");
      }
      for (Peer p : expected) {
        if (!mine.equals(world.clusterOf.get(p.identity()))) {
          return Optional.of("does not see " + p.identity());
        }
      }
      return Optional.empty();
    }

    @Override
    public void leave(boolean force) {
      calls.add("leave");
      world.clusterOf.remove(node);
    }

    @Override
    public List<String> plan(String decisionKind, List<Peer> targets) {
      return List.of(decisionKind);
    }
  }
}
