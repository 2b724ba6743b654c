package io.muster.discovery.dns;

/** No server answered a DNS query; {@link #reason()} says why, for the operator's fix. */
final class DnsQueryException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a query failed. */
  enum Reason {
    /** No reply within the timeout. */
    TIMEOUT,
    /** The host answered ICMP port unreachable: nothing listens there. */
    UNREACHABLE,
    /** REFUSED or NOTIMP: the server will not answer this query (e.g. it does not recurse). */
    REFUSED,
    /** SERVFAIL: the server tried and failed (its upstream or zone is broken). */
    SERVER_FAILURE,
    /** Anything else (malformed reply, local socket error). */
    OTHER
  }

  private final Reason reason;

  DnsQueryException(Reason reason, String detail, Throwable cause) {
    super(detail, cause);
    this.reason = reason;
  }

  Reason reason() {
    return reason;
  }
}
