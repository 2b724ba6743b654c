package io.muster.sim;

import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import java.util.List;
import java.util.OptionalInt;

/**
 * Discovery as node {@code n} experiences it, with the calls the real providers make. {@code asg}:
 * the authoritative pass ({@link #discover()}) is one DescribeAutoScalingGroups call plus one
 * DescribeInstances call per {@code pageSize} instances (filtered by the group's tag, 1,000 per
 * page); the listing ({@link #list()}) is the DescribeInstances calls alone. {@code ec2-tags}: both
 * are the DescribeInstances calls. Which instances the answer holds lags per observer ({@link
 * View}); the simulated group has no Standby instances, so both passes see the same set.
 */
final class SimDiscovery implements Discovery {
  /** Who is in node {@code observer}'s view now. */
  interface View {
    List<Peer> visibleTo(Node observer);
  }

  private final Node n;
  private final SimApi api;
  private final Faults faults;
  private final View view;
  private final boolean asg;
  private final int pageSize;
  private final int desiredCapacity;

  SimDiscovery(
      Node n,
      SimApi api,
      Faults faults,
      View view,
      boolean asg,
      int pageSize,
      int desiredCapacity) {
    this.n = n;
    this.desiredCapacity = desiredCapacity;
    this.api = api;
    this.faults = faults;
    this.view = view;
    this.asg = asg;
    this.pageSize = pageSize;
  }

  @Override
  public List<Peer> discover() throws DiscoveryException {
    return pass(asg);
  }

  @Override
  public List<Peer> list() throws DiscoveryException {
    return pass(false);
  }

  private List<Peer> pass(boolean withGroupCall) throws DiscoveryException {
    faults.before(n, Op.DISCOVER);
    if (withGroupCall) {
      api.describe(n, SimApi.ASG);
    }
    List<Peer> peers = view.visibleTo(n);
    int pages = Math.max(1, (peers.size() + pageSize - 1) / pageSize);
    for (int i = 0; i < pages; i++) {
      api.describe(n, SimApi.EC2);
    }
    faults.after(n, Op.DISCOVER);
    return peers;
  }

  /**
   * {@code asg}: the group's desired capacity, the fleet's size from its launch on (the simulated
   * group replaces what it loses); one DescribeAutoScalingGroups call. {@code ec2-tags}: unknown,
   * no call.
   */
  @Override
  public OptionalInt expectedSize() throws DiscoveryException {
    if (!asg) {
      return OptionalInt.empty();
    }
    faults.before(n, Op.DISCOVER);
    api.describe(n, SimApi.ASG);
    faults.after(n, Op.DISCOVER);
    return OptionalInt.of(desiredCapacity);
  }

  @Override
  public String describe() {
    return "simulated ASG";
  }
}
