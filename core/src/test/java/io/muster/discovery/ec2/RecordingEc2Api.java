package io.muster.discovery.ec2;

import io.muster.discovery.DiscoveryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake {@link Ec2Api} over an in-memory list of instances that records every call. Filters are
 * not evaluated (that is EC2's job): {@link #instances} returns everything given to {@link
 * #answer}, so a test states exactly what EC2 "returned".
 */
public final class RecordingEc2Api implements Ec2Api {
  private final List<Ec2Instance> answer = new ArrayList<>();
  private final List<List<String>> idCalls = new ArrayList<>();
  private final List<Map<String, List<String>>> filterCalls = new ArrayList<>();
  private DiscoveryException failure;
  private boolean verbatim;

  /** What EC2 returns, in this order; for id calls only the asked-for ids (as EC2 would). */
  public RecordingEc2Api answer(Ec2Instance... instances) {
    answer.addAll(List.of(instances));
    return this;
  }

  /** Returns exactly this list for an id call, even ids not asked for (a misbehaving endpoint). */
  public RecordingEc2Api answerVerbatim(Ec2Instance... instances) {
    answer.addAll(List.of(instances));
    verbatim = true;
    return this;
  }

  public RecordingEc2Api failWith(DiscoveryException e) {
    this.failure = e;
    return this;
  }

  public List<List<String>> idCalls() {
    return idCalls;
  }

  public List<Map<String, List<String>>> filterCalls() {
    return filterCalls;
  }

  @Override
  public List<Ec2Instance> instancesById(List<String> ids) throws DiscoveryException {
    idCalls.add(List.copyOf(ids));
    if (failure != null) {
      throw failure;
    }
    if (verbatim) {
      return List.copyOf(answer);
    }
    return answer.stream().filter(i -> ids.contains(i.instanceId())).toList();
  }

  @Override
  public List<Ec2Instance> instances(Map<String, List<String>> filters) throws DiscoveryException {
    filterCalls.add(new LinkedHashMap<>(filters));
    if (failure != null) {
      throw failure;
    }
    return List.copyOf(answer);
  }

  @Override
  public String where() {
    return "region test-1";
  }
}
