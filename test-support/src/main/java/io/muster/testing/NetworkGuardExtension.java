package io.muster.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test during which (or before which, in its class's setup) the {@link NetworkGuard}
 * refused a connection, even when the code under test caught the SecurityException: a retry loop or
 * the SDK's credentials chain would otherwise turn the refusal into a pass or a vaguer failure.
 * Registered for every test by {@code META-INF/services/org.junit.jupiter.api.extension.Extension}
 * with {@code junit.jupiter.extensions.autodetection.enabled} (the parent pom sets it).
 *
 * <p>The same for a refused write under the installed package's state directory ({@link
 * PackageStatePaths}). A test that expects refusals takes them with {@link
 * NetworkGuard#takeRefusals()} or {@link NetworkGuard#takeWriteRefusals()}.
 */
public final class NetworkGuardExtension implements AfterEachCallback, AfterAllCallback {
  @Override
  public void afterEach(ExtensionContext context) {
    failOnRefusals("during this test");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    failOnRefusals("in this class's setup or teardown");
  }

  private static void failOnRefusals(String when) {
    List<NetworkGuard.Refusal> writes = NetworkGuard.takeWriteRefusals();
    fail(NetworkGuard.takeRefusals(), " connection ", " connections ", when);
    fail(writes, " write under the package's state directory ", " writes under it ", when);
  }

  private static void fail(
      List<NetworkGuard.Refusal> refused, String one, String many, String when) {
    if (refused.isEmpty()) {
      return;
    }
    StringBuilder message =
        new StringBuilder("the test network guard refused ")
            .append(refused.size())
            .append(refused.size() == 1 ? one : many)
            .append(when)
            .append(':');
    for (NetworkGuard.Refusal r : refused) {
      message.append("\n  ").append(r.destination()).append(" from thread ").append(r.thread());
    }
    AssertionError failure = new AssertionError(message.toString(), refused.get(0).error());
    for (NetworkGuard.Refusal r : refused.subList(1, refused.size())) {
      failure.addSuppressed(r.error());
    }
    throw failure;
  }
}
