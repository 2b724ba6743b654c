package io.muster.adapter.exec;

import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Validated settings of the exec adapter. An empty command list means "not configured".
 *
 * @param cluster the cluster name for scripts that run outside a form/join request, or null
 */
public record ExecSettings(
    List<String> form,
    List<String> join,
    List<String> leave,
    List<String> membersChanged,
    List<String> inspect,
    List<String> verifyTarget,
    Duration timeout,
    String cluster) {

  public ExecSettings {
    form = List.copyOf(form);
    join = List.copyOf(join);
    leave = List.copyOf(leave);
    membersChanged = List.copyOf(membersChanged);
    inspect = List.copyOf(inspect);
    verifyTarget = List.copyOf(verifyTarget);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  public static ExecSettings from(Settings s) {
    return new ExecSettings(
        s.list(ExecAdapterProvider.FORM),
        s.list(ExecAdapterProvider.JOIN),
        s.list(ExecAdapterProvider.LEAVE),
        s.list(ExecAdapterProvider.MEMBERS_CHANGED),
        s.list(ExecAdapterProvider.INSPECT),
        s.list(ExecAdapterProvider.VERIFY_TARGET),
        s.duration(ExecAdapterProvider.TIMEOUT),
        s.optionalString(CoreKeys.CLUSTER_NAME).orElse(null));
  }
}
