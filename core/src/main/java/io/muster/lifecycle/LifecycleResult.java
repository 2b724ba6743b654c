package io.muster.lifecycle;

/**
 * How muster answers a lifecycle action. On launch, ABANDON makes Auto Scaling terminate the
 * instance; on terminate both let it go, so the result only matters to other hooks and to audit.
 */
public enum LifecycleResult {
  CONTINUE,
  ABANDON
}
