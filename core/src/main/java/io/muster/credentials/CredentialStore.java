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

  /** Where it is, for messages: "ssm:/muster/prod/". */
  String describe();
}
