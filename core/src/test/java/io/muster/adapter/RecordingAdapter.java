package io.muster.adapter;

import io.muster.credentials.Credentials;
import io.muster.credentials.Secret;
import io.muster.model.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A joining adapter on its own that records what it was asked, as {@code form}, {@code
 * join:ADDRESS} (the member it joined through) and {@code leave:FORCE}. This node is clustered or
 * not as the test set it or as the last form, join or leave left it; inspect and verify say so.
 * (The adapters of several nodes sharing one world of clusters: bootstrap's Fakes.FakeAdapter.)
 */
public class RecordingAdapter implements ClusterAdapter {
  public final List<String> calls = new ArrayList<>();
  public boolean clustered;
  public String failLeave;

  /** What {@link #provesTargets} says (the real adapters that ask the target itself say true). */
  public boolean provesTargets;

  @Override
  public boolean provesTargets() {
    return provesTargets;
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public LocalMembership inspect() {
    return new LocalMembership(true, clustered, null, List.of());
  }

  @Override
  public Credentials form(FormRequest request) {
    calls.add("form");
    clustered = true;
    return new Credentials(Map.of("cookie", Secret.of("c")));
  }

  /** Targets {@link #verifyTarget} refuses, by address, with the reason. */
  public final Map<String, String> refuse = new java.util.HashMap<>();

  /** Each target {@link #verifyTarget} was asked about (not in {@link #calls}). */
  public final List<String> verifiedTargets = new ArrayList<>();

  @Override
  public Optional<String> verifyTarget(JoinRequest request, Peer target) {
    verifiedTargets.add(target.addressText());
    return Optional.ofNullable(refuse.get(target.addressText()));
  }

  /** When set, what {@link #join} reports (a script may join through another member). */
  public JoinResult joinResult;

  @Override
  public JoinResult join(JoinRequest request) {
    calls.add("join:" + request.members().get(0).addressText());
    clustered = true;
    return joinResult != null ? joinResult : JoinResult.through(request.members().get(0));
  }

  /** The address each join went through, in order. */
  public List<String> joinedThrough() {
    return calls.stream().filter(c -> c.startsWith("join:")).map(c -> c.substring(5)).toList();
  }

  @Override
  public Optional<String> verify(List<Peer> expectedMembers) {
    return clustered ? Optional.empty() : Optional.of("not in a cluster");
  }

  @Override
  public void leave(boolean force) throws AdapterException {
    calls.add("leave:" + force);
    if (failLeave != null) {
      throw new AdapterException(failLeave, true);
    }
    clustered = false;
  }

  @Override
  public List<String> plan(String decisionKind, List<Peer> targets) {
    return List.of(decisionKind);
  }

  /** A joining adapter that also follows membership (exec with a members-changed hook). */
  public static class Following extends RecordingAdapter implements MembershipFollower {
    public final List<List<Peer>> told = new ArrayList<>();
    public int failNextUpdates;

    @Override
    public void membersChanged(List<Peer> members) throws AdapterException {
      if (failNextUpdates > 0) {
        failNextUpdates--;
        throw new AdapterException("hook exited 3", true);
      }
      told.add(members);
    }
  }
}
