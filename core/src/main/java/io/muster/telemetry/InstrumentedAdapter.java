package io.muster.telemetry;

import io.muster.adapter.AdapterException;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.JoinResult;
import io.muster.adapter.LocalMembership;
import io.muster.adapter.MembershipFollower;
import io.muster.credentials.Credentials;
import io.muster.model.Peer;
import java.util.List;
import java.util.Optional;

/**
 * A {@link ClusterAdapter} that reports each operation and its outcome to a {@link Telemetry}. A
 * verification that finds a problem counts as an error: the adapter answered, but this node is not
 * a working member. {@link #follower} does the same for a {@link MembershipFollower}.
 */
public final class InstrumentedAdapter implements ClusterAdapter {
  private final ClusterAdapter inner;
  private final Telemetry telemetry;

  public InstrumentedAdapter(ClusterAdapter inner, Telemetry telemetry) {
    this.inner = inner;
    this.telemetry = telemetry;
  }

  /** An operation that may throw the adapter's exception. */
  private interface Call<T> {
    T run() throws AdapterException;
  }

  private static <T> T measured(Telemetry telemetry, String adapter, String verb, Call<T> call)
      throws AdapterException {
    try {
      T result = call.run();
      telemetry.adapter(adapter, verb, Outcome.OK, null);
      return result;
    } catch (AdapterException e) {
      telemetry.adapter(adapter, verb, Outcome.ERROR, e.getMessage());
      throw e;
    } catch (RuntimeException e) {
      telemetry.adapter(adapter, verb, Outcome.ERROR, e.toString());
      throw e;
    }
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public LocalMembership inspect() throws AdapterException {
    return measured(telemetry, name(), "inspect", inner::inspect);
  }

  @Override
  public Credentials form(FormRequest request) throws AdapterException {
    return measured(telemetry, name(), "form", () -> inner.form(request));
  }

  @Override
  public JoinResult join(JoinRequest request) throws AdapterException {
    return measured(telemetry, name(), "join", () -> inner.join(request));
  }

  /**
   * Forwarded, not left to the interface's default (which proves every target): without it the
   * agent, which joins through this wrapper, skipped every adapter's identity check.
   */
  @Override
  public Optional<String> verifyTarget(JoinRequest request, Peer target) throws AdapterException {
    return measured(telemetry, name(), "verify-target", () -> inner.verifyTarget(request, target));
  }

  @Override
  public Optional<String> verify(List<Peer> expectedMembers) throws AdapterException {
    Optional<String> problem;
    try {
      problem = inner.verify(expectedMembers);
    } catch (AdapterException | RuntimeException e) {
      telemetry.adapter(name(), "verify", Outcome.ERROR, e.getMessage());
      throw e;
    }
    telemetry.adapter(
        name(), "verify", problem.isPresent() ? Outcome.ERROR : Outcome.OK, problem.orElse(null));
    return problem;
  }

  @Override
  public void leave(boolean force) throws AdapterException {
    measured(
        telemetry,
        name(),
        "leave",
        () -> {
          inner.leave(force);
          return null;
        });
  }

  @Override
  public List<String> plan(String decisionKind, List<Peer> targets) {
    return inner.plan(decisionKind, targets);
  }

  /** {@code follower}, reporting each {@code members-changed} call. */
  public static MembershipFollower follower(MembershipFollower follower, Telemetry telemetry) {
    return new MembershipFollower() {
      @Override
      public String name() {
        return follower.name();
      }

      @Override
      public void membersChanged(List<Peer> members) throws AdapterException {
        measured(
            telemetry,
            follower.name(),
            "members-changed",
            () -> {
              follower.membersChanged(members);
              return null;
            });
      }
    };
  }
}
