package io.muster.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs the {@link NetworkGuard} before any test runs, in every JVM whose test class path holds
 * test-support (every module's). Registered in {@code
 * META-INF/services/org.junit.platform.launcher.LauncherSessionListener}, so no test has to ask.
 * Fails the run when the guard cannot be installed: tests without it could reach any address.
 */
public final class NetworkGuardSession implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    NetworkGuard.install();
  }
}
