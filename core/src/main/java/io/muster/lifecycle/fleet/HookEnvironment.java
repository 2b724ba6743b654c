package io.muster.lifecycle.fleet;

import io.muster.lifecycle.LifecycleAction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a hook command is told about its action: environment variables, and the same values
 * substituted for {@code ${NAME}} in its arguments (no shell is involved, so nothing else is
 * expanded). The token is not passed: a hook never completes the action itself.
 */
public final class HookEnvironment {
  public static final String INSTANCE_ID = "MUSTER_INSTANCE_ID";
  public static final String PRIVATE_ADDRESS = "MUSTER_PRIVATE_ADDRESS";
  public static final String GROUP = "MUSTER_GROUP";
  public static final String TRANSITION = "MUSTER_TRANSITION";
  public static final String LIFECYCLE_TRANSITION = "MUSTER_LIFECYCLE_TRANSITION";
  public static final String HOOK_NAME = "MUSTER_HOOK_NAME";
  public static final String METADATA = "MUSTER_NOTIFICATION_METADATA";
  public static final String ORIGIN = "MUSTER_ORIGIN";
  public static final String DESTINATION = "MUSTER_DESTINATION";
  public static final String TIME = "MUSTER_NOTIFICATION_TIME";
  public static final String ATTEMPT = "MUSTER_ATTEMPT";

  /** Every variable a hook gets (those without a value are set to ""). */
  public static final List<String> NAMES =
      List.of(
          INSTANCE_ID,
          PRIVATE_ADDRESS,
          GROUP,
          TRANSITION,
          LIFECYCLE_TRANSITION,
          HOOK_NAME,
          METADATA,
          ORIGIN,
          DESTINATION,
          TIME,
          ATTEMPT);

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_]+)}");

  private HookEnvironment() {}

  /**
   * @param address the instance's private address when known
   * @param attempt 1 the first time hooks run for this action, more when a controller died while
   *     they ran (hooks must be idempotent)
   */
  public static Map<String, String> of(
      Notification.Action n, Optional<String> address, int attempt) {
    LifecycleAction a = n.action();
    Map<String, String> env = new LinkedHashMap<>();
    env.put(INSTANCE_ID, a.instanceId());
    env.put(PRIVATE_ADDRESS, address.orElse(""));
    env.put(GROUP, a.groupName());
    env.put(TRANSITION, a.transition().name().toLowerCase(java.util.Locale.ROOT));
    env.put(LIFECYCLE_TRANSITION, a.transition().wireName());
    env.put(HOOK_NAME, a.hookName());
    env.put(METADATA, n.metadata());
    env.put(ORIGIN, n.details().getOrDefault("Origin", ""));
    env.put(DESTINATION, n.details().getOrDefault("Destination", ""));
    env.put(TIME, n.details().getOrDefault("Time", ""));
    env.put(ATTEMPT, Integer.toString(attempt));
    return env;
  }

  /** {@code argv} with every {@code ${NAME}} replaced by its value in {@code env}. */
  public static List<String> substitute(List<String> argv, Map<String, String> env) {
    return argv.stream()
        .map(
            arg -> {
              Matcher m = PLACEHOLDER.matcher(arg);
              StringBuilder out = new StringBuilder();
              while (m.find()) {
                m.appendReplacement(
                    out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
              }
              m.appendTail(out);
              return out.toString();
            })
        .toList();
  }
}
