package io.muster.credentials;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The entry names every store uses below its per-cluster root: {@code formation/<generation>},
 * {@code credentials/<generation>}, {@code members/<instance-id>}. Names are restricted to
 * characters that are valid in a file name, an SSM parameter name and a Secrets Manager secret name
 * alike, so the same cluster can move between stores.
 */
public final class StoreLayout {
  public static final String FORMATION = "formation";
  public static final String CREDENTIALS = "credentials";
  public static final String MEMBERS = "members";
  public static final String LIFECYCLE = "lifecycle";

  /**
   * The fleet's size as the seed of a booting fleet sees it: a pacing hint, never a safety input
   * ({@link CredentialStore#putFleetSize}). Beside the formation records, so that one listing of
   * them (SSM: one GetParametersByPath) brings it too; not a generation, so never taken for one.
   */
  public static final String FLEET = FORMATION + "/fleet";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final Pattern GENERATION = Pattern.compile("[1-9][0-9]{0,18}");

  private StoreLayout() {}

  public static String formation(long generation) {
    return FORMATION + "/" + generation;
  }

  public static String credentials(long generation) {
    return CREDENTIALS + "/" + generation;
  }

  public static String member(String instanceId) throws StoreException {
    if (!isSegment(instanceId)) {
      throw new StoreException(
          "instance id '"
              + instanceId
              + "' cannot name a store entry: use letters, digits, '.', '_' and '-' only (set"
              + " node.instance-id)");
    }
    return MEMBERS + "/" + instanceId;
  }

  /** {@code lifecycle/<name>}: a fleet controller's record of one lifecycle action. */
  public static String lifecycle(String name) throws StoreException {
    if (!isSegment(name)) {
      throw new StoreException(
          "'" + name + "' cannot name a lifecycle record: use letters, digits, '.', '_' and '-'");
    }
    return LIFECYCLE + "/" + name;
  }

  /** The generation a leaf name stands for ("12" -> 12), or empty for anything else. */
  public static OptionalLong generation(String leaf) {
    if (!GENERATION.matcher(leaf).matches()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(leaf));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  public static boolean isSegment(String s) {
    return s != null && SEGMENT.matcher(s).matches();
  }

  /** The cluster name becomes a path segment of every entry; reject what would not fit. */
  public static String checkCluster(String cluster, Settings settings) {
    if (!isSegment(cluster)) {
      throw ConfigException.invalid(
          CoreKeys.CLUSTER_NAME,
          String.valueOf(cluster),
          settings.source(CoreKeys.CLUSTER_NAME),
          "not usable as a store path segment",
          "Use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return cluster;
  }
}
