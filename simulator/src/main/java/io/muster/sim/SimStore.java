package io.muster.sim;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The credential store shared by the fleet: atomic create-if-absent per generation (like SSM
 * PutParameter without overwrite), strongly consistent reads, latency and errors from {@link
 * SimApi}, and writes that may be acknowledged and then dropped ({@link Faults#loseWrite}).
 */
final class SimStore {
  private final TreeMap<Long, FormationRecord> formations = new TreeMap<>();
  private final Map<Long, Credentials> credentials = new HashMap<>();
  private final LinkedHashMap<String, MemberRecord> members = new LinkedHashMap<>();
  private final java.util.Set<Long> damaged = new java.util.HashSet<>();
  private final SimApi api;
  private final Faults faults;

  SimStore(SimApi api, Faults faults) {
    this.api = api;
    this.faults = faults;
  }

  /** The formation records, oldest generation first (for the checks). */
  List<FormationRecord> formations() {
    return new ArrayList<>(formations.values());
  }

  /**
   * Makes the current formation record unreadable, as a hand edit or a foreign writer would: the
   * real stores then report it as damaged ({@link StoreException#damagedFormation}), naming it.
   */
  void damageCurrentFormation() {
    if (!formations.isEmpty()) {
      damaged.add(formations.lastKey());
    }
  }

  /** The store as node {@code n} uses it. */
  CredentialStore forNode(Node n) {
    return new NodeStore(n);
  }

  private final class NodeStore implements CredentialStore {
    private final Node n;

    NodeStore(Node n) {
      this.n = n;
    }

    @Override
    public Optional<FormationRecord> currentFormation() throws StoreException {
      faults.before(n, Op.CURRENT_FORMATION);
      api.store(n, Op.CURRENT_FORMATION);
      Optional<FormationRecord> r =
          formations.isEmpty() ? Optional.empty() : Optional.of(formations.lastEntry().getValue());
      faults.after(n, Op.CURRENT_FORMATION);
      if (r.isPresent() && damaged.contains(r.get().generation())) {
        long g = r.get().generation();
        throw StoreException.damagedFormation(
            describe() + "formation/" + g + ": field 'clusterId' is missing or not a string",
            g,
            null);
      }
      return r;
    }

    @Override
    public boolean claimFormation(FormationRecord record) throws StoreException {
      faults.before(n, Op.CLAIM);
      api.store(n, Op.CLAIM);
      boolean created = !formations.containsKey(record.generation());
      if (created && !faults.loseWrite(n, Op.CLAIM)) {
        formations.put(record.generation(), record);
      }
      faults.after(n, Op.CLAIM);
      return created;
    }

    @Override
    public void putCredentials(long generation, Credentials c) throws StoreException {
      faults.before(n, Op.PUT_CREDENTIALS);
      api.store(n, Op.PUT_CREDENTIALS);
      if (!faults.loseWrite(n, Op.PUT_CREDENTIALS)) {
        credentials.put(generation, c);
      }
      faults.after(n, Op.PUT_CREDENTIALS);
    }

    @Override
    public Optional<Credentials> credentials(long generation) throws StoreException {
      faults.before(n, Op.CREDENTIALS);
      api.store(n, Op.CREDENTIALS);
      Optional<Credentials> c = Optional.ofNullable(credentials.get(generation));
      faults.after(n, Op.CREDENTIALS);
      return c;
    }

    @Override
    public void registerMember(MemberRecord member) throws StoreException {
      Op op =
          member.status() == MemberRecord.Status.JOINING ? Op.REGISTER_JOINING : Op.REGISTER_MEMBER;
      faults.before(n, op);
      api.store(n, op);
      if (!faults.loseWrite(n, op)) {
        members.put(member.instanceId(), member);
        faults.note(n, "store: registered " + member.status());
      }
      faults.after(n, op);
    }

    @Override
    public void deregisterMember(String instanceId) throws StoreException {
      faults.before(n, Op.DEREGISTER);
      api.store(n, Op.DEREGISTER);
      if (!faults.loseWrite(n, Op.DEREGISTER)) {
        members.remove(instanceId);
        faults.note(n, "store: deregistered");
      }
      faults.after(n, Op.DEREGISTER);
    }

    @Override
    public List<MemberRecord> members() throws StoreException {
      faults.before(n, Op.MEMBERS);
      api.store(n, Op.MEMBERS, members.size());
      List<MemberRecord> all = new ArrayList<>(members.values());
      faults.after(n, Op.MEMBERS);
      return all;
    }

    @Override
    public Optional<MemberRecord> member(String instanceId) throws StoreException {
      faults.before(n, Op.MEMBER);
      api.store(n, Op.MEMBER);
      Optional<MemberRecord> one = Optional.ofNullable(members.get(instanceId));
      faults.after(n, Op.MEMBER);
      return one;
    }

    @Override
    public String describe() {
      return "sim:/muster/";
    }
  }
}
