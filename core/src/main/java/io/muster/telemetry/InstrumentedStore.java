package io.muster.telemetry;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@link CredentialStore} that reports every call, its latency and whether it failed or was
 * throttled ({@link StoreException#throttled()}) to a {@link Telemetry}. Values pass through
 * untouched; nothing of a record or a secret is reported.
 */
public final class InstrumentedStore implements CredentialStore {
  private final CredentialStore inner;
  private final Telemetry telemetry;
  private final Clock clock;

  public InstrumentedStore(CredentialStore inner, Telemetry telemetry, Clock clock) {
    this.inner = inner;
    this.telemetry = telemetry;
    this.clock = clock;
  }

  /** One store call, as a lambda that may throw the store's exception. */
  private interface Call<T> {
    T run() throws StoreException;
  }

  private <T> T measured(StoreOperation op, Call<T> call) throws StoreException {
    Instant start = clock.instant();
    try {
      T result = call.run();
      telemetry.store(op.label(), Outcome.OK, since(start), null);
      return result;
    } catch (StoreException e) {
      telemetry.store(
          op.label(),
          e.throttled() ? Outcome.THROTTLED : Outcome.ERROR,
          since(start),
          e.getMessage());
      throw e;
    } catch (RuntimeException e) {
      telemetry.store(op.label(), Outcome.ERROR, since(start), e.toString());
      throw e;
    }
  }

  private Duration since(Instant start) {
    return Duration.between(start, clock.instant());
  }

  @Override
  public Optional<FormationRecord> currentFormation() throws StoreException {
    return measured(StoreOperation.CURRENT_FORMATION, inner::currentFormation);
  }

  @Override
  public boolean claimFormation(FormationRecord record) throws StoreException {
    return measured(StoreOperation.CLAIM_FORMATION, () -> inner.claimFormation(record));
  }

  @Override
  public void putCredentials(long generation, Credentials credentials) throws StoreException {
    measured(
        StoreOperation.PUT_CREDENTIALS,
        () -> {
          inner.putCredentials(generation, credentials);
          return null;
        });
  }

  @Override
  public Optional<Credentials> credentials(long generation) throws StoreException {
    return measured(StoreOperation.CREDENTIALS, () -> inner.credentials(generation));
  }

  @Override
  public void registerMember(MemberRecord member) throws StoreException {
    measured(
        StoreOperation.REGISTER_MEMBER,
        () -> {
          inner.registerMember(member);
          return null;
        });
  }

  @Override
  public void deregisterMember(String instanceId) throws StoreException {
    measured(
        StoreOperation.DEREGISTER_MEMBER,
        () -> {
          inner.deregisterMember(instanceId);
          return null;
        });
  }

  @Override
  public List<MemberRecord> members() throws StoreException {
    return measured(StoreOperation.MEMBERS, inner::members);
  }

  @Override
  public Optional<MemberRecord> member(String instanceId) throws StoreException {
    return measured(StoreOperation.MEMBER, () -> inner.member(instanceId));
  }

  @Override
  public String describe() {
    return inner.describe();
  }
}
