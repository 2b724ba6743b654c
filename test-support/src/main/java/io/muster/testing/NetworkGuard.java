package io.muster.testing;

import java.io.FileDescriptor;
import java.net.InetAddress;
import java.net.SocketPermission;
import java.security.Permission;
import java.util.ArrayList;
import java.util.List;

/**
 * A SecurityManager that refuses every socket connection a test JVM makes to an address that is not
 * loopback or inside an open {@link TestNetwork} (see {@link TestDestinations}), and allows
 * everything else. Installed in every test JVM by {@link NetworkGuardSession}; needs {@code
 * -Djava.security.manager=allow} (the parent pom's surefire and failsafe argLine).
 *
 * <p>A refused connect throws a SecurityException naming the address and port, and is also
 * recorded: code under test may catch the exception (a retry loop, the SDK's credentials chain), so
 * {@link NetworkGuardExtension} fails the test afterwards with what was recorded.
 *
 * <p>It also refuses writes under the installed package's state directory ({@link
 * PackageStatePaths}): a test that leaves state.dir at its default would change the machine.
 *
 * <p>Cheap on purpose: every check but a socket connect or a file write returns at once, without
 * building the permission object the default implementation would build for it.
 */
// The SecurityManager is deprecated for removal; it works up to Java 23 with the flag above.
@SuppressWarnings("removal")
public final class NetworkGuard extends SecurityManager {

  /** One refused connection: where to, from which thread, and the exception thrown there. */
  public record Refusal(String destination, String thread, SecurityException error) {}

  private static final List<Refusal> refusals = new ArrayList<>();

  /** Writes refused under the package's state directory ({@link PackageStatePaths}). */
  private static final List<Refusal> writeRefusals = new ArrayList<>();

  private NetworkGuard() {}

  /**
   * Installs the guard for the rest of this JVM's life; does nothing when it is in place already.
   *
   * @throws IllegalStateException when the JVM does not allow a SecurityManager, or has another
   */
  public static synchronized void install() {
    SecurityManager current = System.getSecurityManager();
    if (current instanceof NetworkGuard) {
      return;
    }
    if (current != null) {
      throw new IllegalStateException(
          "the test network guard cannot be installed: "
              + current.getClass().getName()
              + " is the SecurityManager already");
    }
    // Load what a check uses before the first check, so none loads classes in the middle of one.
    TestDestinations.refusal("127.0.0.1");
    PackageStatePaths.refusal("/tmp");
    try {
      System.setSecurityManager(new NetworkGuard());
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException(
          "the test network guard needs -Djava.security.manager=allow on the test JVM (the parent"
              + " pom's surefire and failsafe argLine set it; in an IDE, add it to the run"
              + " configuration's VM options)",
          e);
    }
  }

  public static boolean isInstalled() {
    return System.getSecurityManager() instanceof NetworkGuard;
  }

  /** The connections refused since the last call, oldest first; clears the record. */
  public static List<Refusal> takeRefusals() {
    synchronized (refusals) {
      List<Refusal> out = List.copyOf(refusals);
      refusals.clear();
      return out;
    }
  }

  /** The writes refused since the last call, oldest first; clears the record. */
  public static List<Refusal> takeWriteRefusals() {
    synchronized (writeRefusals) {
      List<Refusal> out = List.copyOf(writeRefusals);
      writeRefusals.clear();
      return out;
    }
  }

  @Override
  public void checkConnect(String host, int port) {
    if (port != -1) { // -1: a name lookup, not a connection
      check(host, Integer.toString(port));
    }
  }

  @Override
  public void checkConnect(String host, int port, Object context) {
    checkConnect(host, port);
  }

  @Override
  public void checkMulticast(InetAddress group) {
    // Multicast leaves the machine whatever the group: it is never a test's own network.
    check(group.getHostAddress(), "multicast");
  }

  @Override
  public void checkMulticast(InetAddress group, byte ttl) {
    checkMulticast(group);
  }

  @Override
  public void checkPermission(Permission perm) {
    if (perm instanceof SocketPermission socket && socket.getActions().contains("connect")) {
      checkPermissionName(socket.getName());
    }
  }

  @Override
  public void checkPermission(Permission perm, Object context) {
    checkPermission(perm);
  }

  /** A SocketPermission's name: "host:port", "[v6]:port", "host" or a bare IPv6 literal. */
  private static void checkPermissionName(String name) {
    if (name.startsWith("[") && name.indexOf(']') > 0) {
      int end = name.indexOf(']');
      String rest = name.substring(end + 1);
      check(name.substring(1, end), rest.startsWith(":") ? rest.substring(1) : "*");
      return;
    }
    int colon = name.indexOf(':');
    if (colon < 0 || name.indexOf(':', colon + 1) >= 0) {
      check(name, "*"); // no port, or a bare IPv6 literal
    } else {
      check(name.substring(0, colon), name.substring(colon + 1));
    }
  }

  private static void check(String host, String port) {
    String why = TestDestinations.refusal(host);
    if (why == null) {
      return;
    }
    boolean bareIpv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
    String destination = (bareIpv6 ? "[" + host + "]" : host) + ":" + port;
    SecurityException e =
        new SecurityException(
            "test network guard refused a connection to " + destination + ": " + why);
    if (!isPermissionProbe()) {
      synchronized (refusals) {
        refusals.add(new Refusal(destination, Thread.currentThread().getName(), e));
      }
    }
    throw e;
  }

  /**
   * Whether the JDK is only asking which servers it may use, not connecting: with a security
   * manager installed, JNDI's DNS provider checks each of the host's resolv.conf name servers
   * (DnsContextFactory.filterNameServers) and drops the ones refused. Refusing is right (the query
   * then goes only where the test pointed it); failing the test for it is not.
   */
  private static boolean isPermissionProbe() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames.anyMatch(
                    f ->
                        f.getClassName().equals("com.sun.jndi.dns.DnsContextFactory")
                            && f.getMethodName().equals("filterNameServers")));
  }

  // Everything below is allowed; overriding skips building a permission object per call.

  @Override
  public void checkAccept(String host, int port) {}

  @Override
  public void checkListen(int port) {}

  @Override
  public void checkRead(String file) {}

  @Override
  public void checkRead(String file, Object context) {}

  @Override
  public void checkRead(FileDescriptor fd) {}

  /**
   * Refuses creating or writing a file or directory under the package's state directory ({@link
   * PackageStatePaths}); records the refusal, as for a connection, in case the code under test
   * swallows the exception.
   */
  @Override
  public void checkWrite(String file) {
    String why = PackageStatePaths.refusal(file);
    if (why == null) {
      return;
    }
    SecurityException e =
        new SecurityException("test guard refused a write to " + file + ": " + why);
    synchronized (writeRefusals) {
      writeRefusals.add(new Refusal(file, Thread.currentThread().getName(), e));
    }
    throw e;
  }

  @Override
  public void checkWrite(FileDescriptor fd) {}

  @Override
  public void checkDelete(String file) {}

  @Override
  public void checkExec(String cmd) {}

  @Override
  public void checkLink(String lib) {}

  @Override
  public void checkExit(int status) {}

  @Override
  public void checkAccess(Thread t) {}

  @Override
  public void checkAccess(ThreadGroup g) {}

  @Override
  public void checkCreateClassLoader() {}

  @Override
  public void checkPropertiesAccess() {}

  @Override
  public void checkPropertyAccess(String key) {}

  @Override
  public void checkPrintJobAccess() {}

  @Override
  public void checkPackageAccess(String pkg) {}

  @Override
  public void checkPackageDefinition(String pkg) {}

  @Override
  public void checkSetFactory() {}

  @Override
  public void checkSecurityAccess(String target) {}
}
