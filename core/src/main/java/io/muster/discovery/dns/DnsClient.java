package io.muster.discovery.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** Asks DNS servers for the records of one name and type. The seam between logic and the wire. */
interface DnsClient {

  /**
   * The data of the records of {@code type} ("A", "AAAA" or "SRV") at {@code name}, in presentation
   * form ("10.0.0.1", "fd00::1", "0 10 5222 n1.example."). Empty when the name does not exist
   * (NXDOMAIN) or has no record of that type (NODATA): both are answers, not failures.
   *
   * @param servers tried in order until one answers
   * @param timeout how long each server may take, retry included
   * @throws DnsQueryException when no server gave an answer
   */
  List<String> query(List<InetSocketAddress> servers, String name, String type, Duration timeout)
      throws DnsQueryException;
}
