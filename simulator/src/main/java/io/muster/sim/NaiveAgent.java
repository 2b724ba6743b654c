package io.muster.sim;

import io.muster.adapter.AdapterException;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.bootstrap.StepResult;
import io.muster.credentials.Credentials;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.election.Election;
import io.muster.model.Peer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The script operators write today, on the same world: if the local node is already clustered,
 * stop; else list the peers, probe each (lowest address first) and join the first that answers as a
 * cluster member; if none does and this node has the lowest address of its list, form; otherwise
 * try again after a fixed period. The join secret is baked into the image.
 */
final class NaiveAgent implements Node.Agent {
  private final Node n;
  private final Discovery discovery;
  private final SimClusters clusters;
  private final ClusterAdapter adapter;
  private final Duration retry;

  NaiveAgent(
      Node n, Discovery discovery, SimClusters clusters, ClusterAdapter adapter, Duration retry) {
    this.n = n;
    this.discovery = discovery;
    this.clusters = clusters;
    this.adapter = adapter;
    this.retry = retry;
  }

  @Override
  public StepResult step() {
    if (n.cluster != null) {
      return new StepResult.Done("already clustered", false);
    }
    try {
      List<Peer> list = new ArrayList<>(discovery.discover());
      if (list.stream().noneMatch(p -> p.address().equals(n.address))) {
        list.add(n.peer);
      }
      List<Peer> ranked = Election.rank(list);
      for (Peer p : ranked) {
        if (!p.address().equals(n.address) && clusters.answersAsMember(p)) {
          adapter.join(
              new JoinRequest(
                  "naive",
                  "naive",
                  n.identity,
                  List.of(p),
                  new Credentials(Map.of("cookie", SimClusters.IMAGE_COOKIE)),
                  ranked));
          return new StepResult.Done("joined through " + p.addressText(), true);
        }
      }
      if (ranked.get(0).address().equals(n.address)) {
        adapter.form(new FormRequest("naive", "naive-" + n.instanceId, n.identity, ranked));
        return new StepResult.Done("formed as the lowest address", true);
      }
      return new StepResult.Retry(retry, "waiting for " + ranked.get(0).addressText());
    } catch (DiscoveryException | AdapterException e) {
      return new StepResult.Retry(retry, e.getMessage());
    }
  }
}
