package io.muster.election;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Comparator;

/**
 * Numeric address order: every IPv4 address before every IPv6 address, each family by unsigned
 * value. Never string order ("10.0.0.10" sorts after "10.0.0.9").
 */
public final class AddressOrder implements Comparator<InetAddress> {
  public static final AddressOrder INSTANCE = new AddressOrder();

  private AddressOrder() {}

  @Override
  public int compare(InetAddress a, InetAddress b) {
    boolean a4 = a instanceof Inet4Address;
    boolean b4 = b instanceof Inet4Address;
    if (a4 != b4) {
      return a4 ? -1 : 1;
    }
    byte[] x = a.getAddress();
    byte[] y = b.getAddress();
    for (int i = 0; i < x.length; i++) {
      int c = Integer.compare(x[i] & 0xff, y[i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
