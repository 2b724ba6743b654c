package io.muster.agent.testing;

import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.model.Peer;
import java.util.List;

/** A settable view that counts authoritative passes and cheap listings apart. */
public final class CountingDiscovery implements Discovery {
  private volatile List<Peer> view = List.of();
  private volatile String failure;
  private int discoverCalls;
  private int listCalls;

  public void see(Peer... peers) {
    view = List.of(peers);
  }

  /** Every call fails with {@code message} from now on (null: works again). */
  public void failWith(String message) {
    failure = message;
  }

  @Override
  public synchronized List<Peer> discover() throws DiscoveryException {
    discoverCalls++;
    return answer();
  }

  @Override
  public synchronized List<Peer> list() throws DiscoveryException {
    listCalls++;
    return answer();
  }

  private List<Peer> answer() throws DiscoveryException {
    if (failure != null) {
      throw new DiscoveryException(failure);
    }
    return view;
  }

  public synchronized int discoverCalls() {
    return discoverCalls;
  }

  public synchronized int listCalls() {
    return listCalls;
  }

  @Override
  public String describe() {
    return "counting";
  }
}
