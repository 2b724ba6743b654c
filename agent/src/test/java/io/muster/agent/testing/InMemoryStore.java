package io.muster.agent.testing;

import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A credential store in memory that remembers who deregistered. */
public final class InMemoryStore implements CredentialStore {
  private final TreeMap<Long, FormationRecord> formations = new TreeMap<>();
  private final Map<Long, Credentials> credentials = new HashMap<>();
  private final Map<String, MemberRecord> members = new LinkedHashMap<>();
  private final List<String> deregistered = new ArrayList<>();

  @Override
  public Optional<FormationRecord> currentFormation() {
    return formations.isEmpty() ? Optional.empty() : Optional.of(formations.lastEntry().getValue());
  }

  @Override
  public boolean claimFormation(FormationRecord record) {
    return formations.putIfAbsent(record.generation(), record) == null;
  }

  @Override
  public void putCredentials(long generation, Credentials c) {
    credentials.put(generation, c);
  }

  @Override
  public Optional<Credentials> credentials(long generation) {
    return Optional.ofNullable(credentials.get(generation));
  }

  @Override
  public void registerMember(MemberRecord member) {
    members.put(member.instanceId(), member);
  }

  @Override
  public void deregisterMember(String instanceId) {
    deregistered.add(instanceId);
    members.remove(instanceId);
  }

  @Override
  public List<MemberRecord> members() {
    return List.copyOf(members.values());
  }

  /** Instance ids deregistered, in order. */
  public List<String> deregistered() {
    return List.copyOf(deregistered);
  }

  @Override
  public String describe() {
    return "in-memory";
  }
}
