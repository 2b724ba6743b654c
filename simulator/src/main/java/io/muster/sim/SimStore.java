package io.muster.sim;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationAndCredentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberAndCredentials;
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
 * SimApi}, and writes whose outcome the caller does not learn ({@link Faults#write}: the call
 * fails, the write took effect or not).
 */
final class SimStore {
  private final TreeMap<Long, FormationRecord> formations = new TreeMap<>();
  private final Map<Long, Credentials> credentials = new HashMap<>();
  private final LinkedHashMap<String, MemberRecord> members = new LinkedHashMap<>();
  private final java.util.Set<Long> damaged = new java.util.HashSet<>();
  private java.util.OptionalInt fleetSize = java.util.OptionalInt.empty();
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
      Faults.Write w = created ? faults.write(n, Op.CLAIM) : Faults.Write.DONE;
      if (created && w.applied()) {
        formations.put(record.generation(), record);
      }
      faults.after(n, Op.CLAIM);
      unknown(w, Op.CLAIM);
      return created;
    }

    @Override
    public void putCredentials(long generation, Credentials c) throws StoreException {
      faults.before(n, Op.PUT_CREDENTIALS);
      api.store(n, Op.PUT_CREDENTIALS);
      Faults.Write w = faults.write(n, Op.PUT_CREDENTIALS);
      if (w.applied()) {
        credentials.put(generation, c);
      }
      faults.after(n, Op.PUT_CREDENTIALS);
      unknown(w, Op.PUT_CREDENTIALS);
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
      Faults.Write w = faults.write(n, op);
      if (w.applied()) {
        members.put(member.instanceId(), member);
        faults.note(n, "store: registered " + member.status());
      }
      faults.after(n, op);
      unknown(w, op);
    }

    /** SSM stores the hint; the other stores' default publishes nothing. */
    @Override
    public void putFleetSize(int size) throws StoreException {
      if (!api.ssmStore()) {
        return;
      }
      faults.before(n, Op.PUT_FLEET_SIZE);
      api.store(n, Op.PUT_FLEET_SIZE);
      Faults.Write w = faults.write(n, Op.PUT_FLEET_SIZE);
      if (w.applied()) {
        fleetSize = java.util.OptionalInt.of(size);
      }
      faults.after(n, Op.PUT_FLEET_SIZE);
      unknown(w, Op.PUT_FLEET_SIZE);
    }

    @Override
    public void deregisterMember(String instanceId) throws StoreException {
      faults.before(n, Op.DEREGISTER);
      api.store(n, Op.DEREGISTER);
      Faults.Write w = faults.write(n, Op.DEREGISTER);
      if (w.applied()) {
        members.remove(instanceId);
        faults.note(n, "store: deregistered");
      }
      faults.after(n, Op.DEREGISTER);
      unknown(w, Op.DEREGISTER);
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
    public MemberAndCredentials memberAndCredentials(String instanceId, long generation)
        throws StoreException {
      faults.before(n, Op.MEMBER_AND_CREDENTIALS);
      api.store(n, Op.MEMBER_AND_CREDENTIALS);
      MemberAndCredentials both =
          new MemberAndCredentials(
              Optional.ofNullable(members.get(instanceId)),
              Optional.ofNullable(credentials.get(generation)));
      faults.after(n, Op.MEMBER_AND_CREDENTIALS);
      return both;
    }

    @Override
    public FormationAndCredentials formationAndCredentials(long generation) throws StoreException {
      faults.before(n, Op.FORMATION_AND_CREDENTIALS);
      api.store(n, Op.FORMATION_AND_CREDENTIALS);
      boolean ssm = api.ssmStore();
      // As the real stores answer: SSM by name (this generation only), the SPI's default the
      // current one.
      Optional<FormationRecord> f =
          ssm
              ? Optional.ofNullable(formations.get(generation))
              : formations.isEmpty()
                  ? Optional.empty()
                  : Optional.of(formations.lastEntry().getValue());
      FormationAndCredentials both =
          new FormationAndCredentials(
              f,
              f.isEmpty()
                  ? Optional.empty()
                  : Optional.ofNullable(credentials.get(f.get().generation())),
              ssm ? fleetSize : java.util.OptionalInt.empty());
      faults.after(n, Op.FORMATION_AND_CREDENTIALS);
      if (f.isPresent() && damaged.contains(f.get().generation())) {
        long g = f.get().generation();
        throw StoreException.damagedFormation(
            describe() + "formation/" + g + ": field 'clusterId' is missing or not a string",
            g,
            null);
      }
      return both;
    }

    @Override
    public String describe() {
      return "sim:/muster/";
    }

    /** Fails a write whose outcome is unknown, as a timeout would, after it took effect or not. */
    private void unknown(Faults.Write w, Op op) throws StoreException {
      if (w.unknown()) {
        throw new StoreException(
            describe()
                + " "
                + op.label()
                + ": timed out; the write may or may not have taken effect");
      }
    }
  }
}
