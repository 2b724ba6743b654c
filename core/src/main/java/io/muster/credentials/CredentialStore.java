package io.muster.credentials;

import java.util.List;
import java.util.Optional;

/**
 * Where formation records, member registrations and join secrets live (SSM Parameter Store, Secrets
 * Manager, a shared folder). All methods are for one cluster name, given at creation.
 * Implementations never log secret values.
 */
public interface CredentialStore {

  /** The formation record of the highest generation, or empty if the cluster was never formed. */
  Optional<FormationRecord> currentFormation() throws StoreException;

  /**
   * Atomically creates the record for {@code record.generation()} if no record of that generation
   * exists.
   *
   * @return true if this call created it, false if one already existed (someone else won)
   */
  boolean claimFormation(FormationRecord record) throws StoreException;

  /** Stores the join secrets of a generation (overwriting: rotation is allowed). */
  void putCredentials(long generation, Credentials credentials) throws StoreException;

  Optional<Credentials> credentials(long generation) throws StoreException;

  /** Registers (or refreshes) a member of a generation. */
  void registerMember(MemberRecord member) throws StoreException;

  void deregisterMember(String instanceId) throws StoreException;

  /** All registered members (any generation). */
  List<MemberRecord> members() throws StoreException;

  /**
   * One member's registration, for a node reading back its own. Stores override this with a single
   * read: listing every member costs SSM one call per 10 and Secrets Manager one per member.
   */
  default Optional<MemberRecord> member(String instanceId) throws StoreException {
    return members().stream().filter(m -> m.instanceId().equals(instanceId)).findFirst();
  }

  /**
   * {@code instanceId}'s registration and {@code generation}'s credentials in one read where the
   * store can (SSM GetParameters takes up to 10 names): a joiner reads the founder's record and the
   * credentials before it joins, and at 1,000 joiners on SSM's standard throughput (40 requests/s
   * for the account) every request a join saves is 25 s of the fleet's formation. The default reads
   * them one after the other.
   */
  default MemberAndCredentials memberAndCredentials(String instanceId, long generation)
      throws StoreException {
    return new MemberAndCredentials(member(instanceId), credentials(generation));
  }

  /**
   * The formation record of {@code generation} and that generation's credentials, in one read where
   * the store can (SSM: one GetParameters by name). A waiting node of a large fleet reads this at
   * its slot for the generation it expects next: at 1,000 nodes on SSM's standard throughput a
   * separate read of the record and of the credentials would be 1,000 more requests, 50 s of the
   * fleet's formation at {@code store.fleet-rate}. A newer generation is not looked for (callers
   * take {@link #currentFormation} for that), except by the default, which reads the current
   * formation and its credentials one after the other: a record of a generation other than {@code
   * generation} may come back.
   */
  default FormationAndCredentials formationAndCredentials(long generation) throws StoreException {
    Optional<FormationRecord> current = currentFormation();
    return new FormationAndCredentials(
        current,
        current.isPresent() ? credentials(current.get().generation()) : Optional.empty(),
        java.util.OptionalInt.empty());
  }

  /**
   * Publishes the fleet's size as the seed of a booting fleet's view sees it ({@code fleet}), which
   * {@link #formationAndCredentials} returns with the formation where the store can (SSM, in the
   * same GetParameters). Waiting nodes pace their reads by the fleet's size, and a node that booted
   * early keeps the small view it listed then (re-listing costs EC2 requests): at 1,000 nodes the
   * tenth of the fleet with the oldest views saw a quarter of it or less, and their reads alone
   * took most of the store's quota. A pacing hint only: no decision rests on it. The default
   * publishes nothing (the nodes then pace by their views, as before).
   */
  default void putFleetSize(int size) throws StoreException {}

  /**
   * The current formation with the fleet-size hint ({@link #putFleetSize}), in one read where the
   * store can (SSM: the hint sits beside the formation records, so one GetParametersByPath lists
   * both); no credentials. The default reads the current formation only.
   */
  default FormationAndCredentials currentFormationAndFleetSize() throws StoreException {
    return new FormationAndCredentials(
        currentFormation(), Optional.empty(), java.util.OptionalInt.empty());
  }

  /**
   * Atomically creates the lifecycle record {@code lifecycle/<name>} if no record of that name
   * exists: the fleet controller's claim on one lifecycle action, made exactly like a formation
   * claim, so that of several controllers on one queue exactly one acts.
   *
   * @param name a store segment ({@link StoreLayout#lifecycle})
   * @return true if this call created it, false if it already existed
   */
  default boolean createLifecycleRecord(String name, String json) throws StoreException {
    throw noLifecycleRecords();
  }

  /** Overwrites the lifecycle record {@code name} (its owner records progress). */
  default void putLifecycleRecord(String name, String json) throws StoreException {
    throw noLifecycleRecords();
  }

  /** The lifecycle record {@code name}, or empty. */
  default Optional<String> lifecycleRecord(String name) throws StoreException {
    throw noLifecycleRecords();
  }

  /** The names of every lifecycle record, for the controller's retention sweep. */
  default List<String> lifecycleRecordNames() throws StoreException {
    throw noLifecycleRecords();
  }

  /** Deletes the lifecycle record {@code name}; nothing when it is gone already. */
  default void deleteLifecycleRecord(String name) throws StoreException {
    throw noLifecycleRecords();
  }

  /** Whether this store holds lifecycle records (the fleet controller needs them). */
  default boolean holdsLifecycleRecords() {
    return false;
  }

  private StoreException noLifecycleRecords() {
    return new StoreException(
        describe()
            + " cannot hold the fleet controller's lifecycle claims: use store.provider ssm or"
            + " file");
  }

  /** Where it is, for messages: "ssm:/muster/prod/". */
  String describe();
}
