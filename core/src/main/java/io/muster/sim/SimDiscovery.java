package io.muster.sim;

import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.discovery.Peer;
import java.util.List;

/**
 * The {@code asg} provider as node {@code n} experiences it: one DescribeAutoScalingGroups call
 * listing the group's instance ids, then one DescribeInstances call per {@code pageSize} ids for
 * their addresses; or, modelling the {@code ec2-tags} provider, DescribeInstances calls filtered by
 * the group's tag, 1000 instances per page. Which instances the listing holds lags per observer
 * ({@link View}).
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

  SimDiscovery(Node n, SimApi api, Faults faults, View view, boolean asg, int pageSize) {
    this.n = n;
    this.api = api;
    this.faults = faults;
    this.view = view;
    this.asg = asg;
    this.pageSize = asg ? pageSize : 1000;
  }

  @Override
  public List<Peer> discover() throws DiscoveryException {
    faults.before(n, Op.DISCOVER);
    if (asg) {
      api.describe(n, SimApi.ASG);
    }
    List<Peer> peers = view.visibleTo(n);
    int pages = Math.max(asg ? 0 : 1, (peers.size() + pageSize - 1) / pageSize);
    for (int i = 0; i < pages; i++) {
      api.describe(n, SimApi.EC2);
    }
    faults.after(n, Op.DISCOVER);
    return peers;
  }

  @Override
  public String describe() {
    return "simulated ASG";
  }
}
