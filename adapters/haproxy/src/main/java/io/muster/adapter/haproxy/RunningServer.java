package io.muster.adapter.haproxy;

import io.muster.net.IpLiteral;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A server as the running HAProxy reports it ({@code show servers state}).
 *
 * @param name server name
 * @param address address text as HAProxy prints it
 * @param port port, 0 when none
 * @param adminState srv_admin_state bit field
 * @param opState srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping
 */
public record RunningServer(String name, String address, int port, int adminState, int opState) {
  /** Set by {@code set server ... state maint} (and by {@code add server}). */
  static final int FORCED_MAINT = 0x01;

  /** Set by {@code set server ... state drain}. */
  static final int FORCED_DRAIN = 0x08;

  /** srv_op_state of a server that is down (failed checks, or in maintenance). */
  static final int STOPPED = 0;

  public RunningServer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
  }

  /** Whether someone (an interrupted removal, or a person) took it out of rotation. */
  public boolean forcedOut() {
    return (adminState & (FORCED_MAINT | FORCED_DRAIN)) != 0;
  }

  /** Same address (compared as addresses, so IPv6 spellings match) and port. */
  public boolean sameEndpoint(DesiredServer d) {
    InetAddress a = IpLiteral.parseOrNull(address);
    return port == d.port() && a != null && a.equals(d.address());
  }
}
