package io.muster.aws.discovery.ec2;

import io.muster.discovery.DiscoveryException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fake {@link Ec2Api} over an in-memory list of instances that records every call. Filters are
 * not evaluated (that is EC2's job): {@link #instances} returns everything given to {@link
 * #answer}, so a test states exactly what EC2 "returned".
 */
public final class RecordingEc2Api implements Ec2Api {
  private final List<Ec2Instance> answer = new ArrayList<>();
  private final List<List<String>> idCalls = new ArrayList<>();
  private final List<Map<String, List<String>>> filterCalls = new ArrayList<>();
  private final Set<String> hiddenFromFilters = new HashSet<>();
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

  /**
   * Leaves these instances out of filter calls while id calls still return them: a tag EC2 does not
   * show yet (tags are eventually consistent just after launch).
   */
  public RecordingEc2Api hideFromFilters(String... ids) {
    hiddenFromFilters.addAll(List.of(ids));
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
    return answer.stream().filter(i -> !hiddenFromFilters.contains(i.instanceId())).toList();
  }

  @Override
  public String where() {
    return "region test-1";
  }
}
