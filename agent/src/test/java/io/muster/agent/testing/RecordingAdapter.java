package io.muster.agent.testing;

import io.muster.adapter.AdapterException;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.LocalMembership;
import io.muster.adapter.MembershipFollower;
import io.muster.credentials.Credentials;
import io.muster.model.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A joining adapter that records what it was asked; this node is clustered or not, as set. */
public class RecordingAdapter implements ClusterAdapter {
  public final List<String> calls = new ArrayList<>();
  public boolean clustered;
  public String failLeave;

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
    return new Credentials(Map.of());
  }

  @Override
  public void join(JoinRequest request) {
    calls.add("join");
    clustered = true;
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
