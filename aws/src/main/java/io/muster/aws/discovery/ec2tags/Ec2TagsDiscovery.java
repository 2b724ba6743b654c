package io.muster.aws.discovery.ec2tags;

import io.muster.aws.discovery.ec2.Ec2Api;
import io.muster.aws.discovery.ec2.Ec2Peers;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The peers are the running instances carrying every configured tag (in the VPC/subnets). */
public final class Ec2TagsDiscovery implements Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(Ec2TagsDiscovery.class);

  private final Ec2TagsSettings settings;
  private final Ec2Api ec2;

  public Ec2TagsDiscovery(Ec2TagsSettings settings, Ec2Api ec2) {
    this.settings = settings;
    this.ec2 = ec2;
  }

  @Override
  public List<Peer> discover() throws DiscoveryException {
    List<Peer> peers = Ec2Peers.toPeers(ec2.instances(settings.filters()));
    if (peers.isEmpty()) {
      LOG.warn(emptyViewMessage(settings, ec2.where()));
    }
    return peers;
  }

  @Override
  public String describe() {
    return "EC2 " + settings.describeFilters();
  }

  static String emptyViewMessage(Ec2TagsSettings settings, String where) {
    return "no peers: no EC2 "
        + settings.describeFilters()
        + " in "
        + where
        + " (DescribeInstances filters "
        + settings.filters()
        + "). Check discovery.ec2-tags.tags (--tag), the VPC/subnet keys and node.region"
        + " (--region); tag keys and values are case-sensitive";
  }
}
