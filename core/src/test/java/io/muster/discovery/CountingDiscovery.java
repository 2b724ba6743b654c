package io.muster.discovery;

import io.muster.model.Peer;
import java.util.List;
import java.util.OptionalInt;

/**
 * A discovery whose view the test sets, counting authoritative passes ({@link #discover()}) and
 * cheap listings ({@link #list()}) apart. Both answer the view set by {@link #see}, unless the
 * authoritative pass was given a view of its own; every call fails while a failure is set.
 * Thread-safe.
 */
public final class CountingDiscovery implements Discovery {
  private List<Peer> view = List.of();
  private List<Peer> authoritativeView;
  private String failure;
  private int discoverCalls;
  private int listCalls;
  private OptionalInt expected = OptionalInt.empty();
  private int expectedSizeCalls;

  /** What both passes answer from now on. */
  public void see(Peer... peers) {
    see(List.of(peers));
  }

  /** What both passes answer from now on. */
  public synchronized void see(List<Peer> peers) {
    view = List.copyOf(peers);
  }

  /**
   * What {@link #discover()} answers from now on instead of the view, {@link #list()} still
   * answering the view: an instance the cheap pass shows and the authoritative one leaves out.
   */
  public synchronized void authoritativeView(Peer... peers) {
    authoritativeView = List.of(peers);
  }

  /** Every call fails with {@code message} from now on (null: works again). */
  public synchronized void failWith(String message) {
    failure = message;
  }

  @Override
  public synchronized List<Peer> discover() throws DiscoveryException {
    discoverCalls++;
    failIfSet();
    return authoritativeView != null ? authoritativeView : view;
  }

  @Override
  public synchronized List<Peer> list() throws DiscoveryException {
    listCalls++;
    failIfSet();
    return view;
  }

  /** What {@link #expectedSize()} answers from now on (an Auto Scaling group's desired size). */
  public synchronized void expect(int size) {
    expected = OptionalInt.of(size);
  }

  @Override
  public synchronized OptionalInt expectedSize() throws DiscoveryException {
    expectedSizeCalls++;
    failIfSet();
    return expected;
  }

  public synchronized int expectedSizeCalls() {
    return expectedSizeCalls;
  }

  private void failIfSet() throws DiscoveryException {
    if (failure != null) {
      throw new DiscoveryException(failure);
    }
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
