package io.muster.credentials;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A credential store in memory, for tests: atomic create-if-absent claims per generation, members
 * in the order they first registered, and every deregistration remembered. Its faults are the ones
 * the formation protocol must survive, each set by a field: claims and registrations that report
 * success and vanish, reads that miss the current formation, an unreachable store.
 *
 * <p>A test may read and change the records directly ({@link #formations}, {@link #credentials},
 * {@link #members}) between steps of the code under test: a node that crashed after its claim, a
 * registration lost with its node, rotated credentials.
 */
public final class InMemoryCredentialStore implements CredentialStore {
  /** Formation records by generation. */
  public final TreeMap<Long, FormationRecord> formations = new TreeMap<>();

  /** Join secrets by generation. */
  public final Map<Long, Credentials> credentials = new HashMap<>();

  /** Registrations by instance id, in the order they first registered. */
  public final Map<String, MemberRecord> members = new LinkedHashMap<>();

  /** How many of the next new claims report success without being stored. */
  public int loseNextClaims;

  /** How many of the next registrations return without being stored. */
  public int loseNextRegistrations;

  /**
   * How many of the next registrations fail as a timeout would, their outcome unknown to the
   * caller: stored first when {@link #timeoutsApply}, not stored otherwise.
   */
  public int timeOutNextRegistrations;

  public boolean timeoutsApply;

  /** How many of the next {@link #currentFormation()} reads find no formation (a stale read). */
  public int staleReads;

  /**
   * Generations whose formation record is damaged (a hand edit): while the highest is one, {@link
   * #currentFormation()} reports it as the real stores do ({@link
   * StoreException#damagedFormation}).
   */
  public final java.util.Set<Long> damaged = new java.util.HashSet<>();

  /** While set, every call fails with "store unreachable". */
  public boolean unreachable;

  private final List<String> deregistered = new ArrayList<>();

  /** While set, every call fails as an access denial would: permanently (no retry fixes it). */
  public boolean denied;

  private void check() throws StoreException {
    if (unreachable) {
      throw new StoreException("store unreachable");
    }
    if (denied) {
      throw StoreException.permanent("store:Read was denied: add it to the role's policy", null);
    }
  }

  @Override
  public synchronized Optional<FormationRecord> currentFormation() throws StoreException {
    check();
    if (staleReads > 0) {
      staleReads--;
      return Optional.empty();
    }
    if (!formations.isEmpty() && damaged.contains(formations.lastKey())) {
      throw StoreException.damagedFormation(
          "memory:formation/" + formations.lastKey() + " is not a valid formation record",
          formations.lastKey(),
          null);
    }
    return formations.isEmpty() ? Optional.empty() : Optional.of(formations.lastEntry().getValue());
  }

  @Override
  public synchronized boolean claimFormation(FormationRecord record) throws StoreException {
    check();
    if (formations.containsKey(record.generation())) {
      return false;
    }
    if (loseNextClaims > 0) {
      loseNextClaims--;
      return true;
    }
    formations.put(record.generation(), record);
    return true;
  }

  @Override
  public synchronized void putCredentials(long generation, Credentials c) throws StoreException {
    check();
    credentials.put(generation, c);
  }

  /** Reads of one kind so far, for tests that count what a step costs. */
  public int credentialsReads;

  public int memberReads;

  public int memberAndCredentialsReads;

  /** Run after each {@link #memberAndCredentials} read (a test's clock moving on, say). */
  public Runnable afterMemberAndCredentials = () -> {};

  @Override
  public synchronized Optional<Credentials> credentials(long generation) throws StoreException {
    check();
    credentialsReads++;
    return Optional.ofNullable(credentials.get(generation));
  }

  @Override
  public synchronized Optional<MemberRecord> member(String instanceId) throws StoreException {
    check();
    memberReads++;
    return Optional.ofNullable(members.get(instanceId));
  }

  @Override
  public synchronized MemberAndCredentials memberAndCredentials(String instanceId, long generation)
      throws StoreException {
    check();
    memberAndCredentialsReads++;
    MemberAndCredentials read =
        new MemberAndCredentials(
            Optional.ofNullable(members.get(instanceId)),
            Optional.ofNullable(credentials.get(generation)));
    afterMemberAndCredentials.run();
    return read;
  }

  @Override
  public synchronized void registerMember(MemberRecord member) throws StoreException {
    check();
    if (loseNextRegistrations > 0) {
      loseNextRegistrations--;
      return;
    }
    if (timeOutNextRegistrations > 0) {
      timeOutNextRegistrations--;
      if (timeoutsApply) {
        members.put(member.instanceId(), member);
      }
      throw new StoreException("memory:members/" + member.instanceId() + ": timed out");
    }
    members.put(member.instanceId(), member);
  }

  @Override
  public synchronized void deregisterMember(String instanceId) throws StoreException {
    check();
    deregistered.add(instanceId);
    members.remove(instanceId);
  }

  @Override
  public synchronized List<MemberRecord> members() throws StoreException {
    check();
    return List.copyOf(members.values());
  }

  /** The instance ids deregistered so far, in order (an unreachable store records none). */
  public synchronized List<String> deregistered() {
    return List.copyOf(deregistered);
  }

  /** Lifecycle records (the fleet controller's claims) by name. */
  public final Map<String, String> lifecycle = new TreeMap<>();

  @Override
  public synchronized boolean createLifecycleRecord(String name, String json)
      throws StoreException {
    check();
    StoreLayout.lifecycle(name);
    return lifecycle.putIfAbsent(name, json) == null;
  }

  @Override
  public synchronized void putLifecycleRecord(String name, String json) throws StoreException {
    check();
    StoreLayout.lifecycle(name);
    lifecycle.put(name, json);
  }

  @Override
  public synchronized Optional<String> lifecycleRecord(String name) throws StoreException {
    check();
    return Optional.ofNullable(lifecycle.get(name));
  }

  @Override
  public synchronized List<String> lifecycleRecordNames() throws StoreException {
    check();
    return List.copyOf(lifecycle.keySet());
  }

  @Override
  public synchronized void deleteLifecycleRecord(String name) throws StoreException {
    check();
    lifecycle.remove(name);
  }

  @Override
  public boolean holdsLifecycleRecords() {
    return true;
  }

  @Override
  public String describe() {
    return "in-memory";
  }
}
