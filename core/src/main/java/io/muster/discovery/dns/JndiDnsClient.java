package io.muster.discovery.dns;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Collectors;
import javax.naming.CommunicationException;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.OperationNotSupportedException;
import javax.naming.ServiceUnavailableException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * {@link DnsClient} on the JDK's own JNDI DNS provider (module jdk.naming.dns), so muster needs no
 * DNS library. One context per query: it holds a socket selector and no cache, so every pass sees
 * the server's current records.
 *
 * <p>One type per query on purpose: asking JNDI for A and AAAA together makes it send an ANY query,
 * which many resolvers answer minimally or refuse (RFC 8482).
 */
final class JndiDnsClient implements DnsClient {
  /** Tries per server: a first try, then one with twice the wait (JNDI doubles each retry). */
  static final int TRIES = 2;

  @Override
  public List<String> query(
      List<InetSocketAddress> servers, String name, String type, Duration timeout)
      throws DnsQueryException {
    Hashtable<String, Object> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(Context.PROVIDER_URL, providerUrl(servers));
    env.put("com.sun.jndi.dns.timeout.initial", Long.toString(initialTimeoutMillis(timeout)));
    env.put("com.sun.jndi.dns.timeout.retries", Integer.toString(TRIES));
    DirContext ctx = null;
    try {
      ctx = new InitialDirContext(env);
      // Names are absolute: the provider URL names no domain, so no search list applies.
      Attributes attrs = ctx.getAttributes(name, new String[] {type});
      Attribute attr = attrs.get(type);
      List<String> out = new ArrayList<>();
      if (attr != null) {
        NamingEnumeration<?> values = attr.getAll();
        while (values.hasMore()) {
          out.add(String.valueOf(values.next()));
        }
      }
      return List.copyOf(out);
    } catch (NameNotFoundException e) {
      return List.of(); // NXDOMAIN: an answer, the name has no records at all
    } catch (NamingException e) {
      throw classify(e);
    } finally {
      if (ctx != null) {
        try {
          ctx.close();
        } catch (NamingException ignored) {
          // Closing only releases the selector.
        }
      }
    }
  }

  /**
   * JNDI waits {@code initial} then {@code 2 * initial}: a third of the budget, then two thirds, so
   * both tries together take the configured timeout per server.
   */
  static long initialTimeoutMillis(Duration timeout) {
    long total = timeout.toMillis();
    return Math.max(1, total / ((1L << TRIES) - 1));
  }

  /** "dns://10.0.0.2:53/ dns://[fd00::2]:53/": JNDI tries the servers in this order. */
  static String providerUrl(List<InetSocketAddress> servers) {
    return servers.stream().map(s -> "dns://" + hostPort(s) + "/").collect(Collectors.joining(" "));
  }

  private static String hostPort(InetSocketAddress s) {
    String host = s.getAddress().getHostAddress();
    if (s.getAddress() instanceof Inet6Address) {
      int scope = host.indexOf('%'); // a zone id cannot be written in a dns: URL
      host = "[" + (scope >= 0 ? host.substring(0, scope) : host) + "]";
    }
    return host + ":" + s.getPort();
  }

  /** Maps JNDI's exception for a failed query to a reason the operator can act on. */
  static DnsQueryException classify(NamingException e) {
    Throwable root = e.getRootCause();
    DnsQueryException.Reason reason;
    String detail;
    if (e instanceof CommunicationException && root instanceof SocketTimeoutException) {
      reason = DnsQueryException.Reason.TIMEOUT;
      detail = "no answer";
    } else if (e instanceof CommunicationException && root instanceof PortUnreachableException) {
      reason = DnsQueryException.Reason.UNREACHABLE;
      detail = "port unreachable (nothing listens there)";
    } else if (e instanceof OperationNotSupportedException) {
      reason = DnsQueryException.Reason.REFUSED;
      detail = e.getExplanation();
    } else if (e instanceof ServiceUnavailableException) {
      reason = DnsQueryException.Reason.SERVER_FAILURE;
      detail = e.getExplanation();
    } else {
      reason = DnsQueryException.Reason.OTHER;
      detail = e.getExplanation() + (root != null ? ": " + root : "");
    }
    return new DnsQueryException(reason, detail, e);
  }
}
