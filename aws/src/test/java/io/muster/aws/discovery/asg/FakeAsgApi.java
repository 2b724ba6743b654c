package io.muster.aws.discovery.asg;

import io.muster.discovery.DiscoveryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** A fake {@link AsgApi}: groups in memory, every call recorded. */
final class FakeAsgApi implements AsgApi {
  private final Map<String, List<AsgInstance>> groups = new LinkedHashMap<>();
  final List<String> calls = new ArrayList<>();
  DiscoveryException failure;

  FakeAsgApi group(String name, AsgInstance... members) {
    groups.put(name, List.of(members));
    return this;
  }

  @Override
  public Optional<List<AsgInstance>> groupInstances(String groupName) throws DiscoveryException {
    calls.add(groupName);
    if (failure != null) {
      throw failure;
    }
    return Optional.ofNullable(groups.get(groupName));
  }

  @Override
  public OptionalInt desiredCapacity(String groupName) throws DiscoveryException {
    calls.add("desired " + groupName);
    if (failure != null) {
      throw failure;
    }
    List<AsgInstance> g = groups.get(groupName);
    return g == null ? OptionalInt.empty() : OptionalInt.of(g.size());
  }

  @Override
  public String where() {
    return "region test-1";
  }
}
