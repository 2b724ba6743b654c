package io.muster.node;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import io.muster.net.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Resolves this node's identity. With {@code node.address} set, instance metadata is never
 * contacted (non-EC2 hosts, tests): the instance id defaults to the host name, else the address.
 * Without it, IMDSv2 provides what no override gives.
 */
public final class NodeIdentityResolver {
  private final Settings settings;
  private final Supplier<InstanceMetadata> metadata;
  private final Supplier<String> osHostname;

  public NodeIdentityResolver(
      Settings settings, Supplier<InstanceMetadata> metadata, Supplier<String> osHostname) {
    this.settings = settings;
    this.metadata = metadata;
    this.osHostname = osHostname;
  }

  /** The kernel's host name, or null. Never a DNS lookup, which can hang on a host off-network. */
  public static String osHostname() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or /proc not mounted: fall through.
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? null : env.trim();
  }

  /**
   * node.instance-id given but empty is a mistake (a template variable that expanded to nothing),
   * not a request for the default: falling back to the address would register the node under an id
   * no one chose. Null when the setting is fine.
   */
  public static ConfigException emptyInstanceId(Settings settings) {
    if (settings.isSet(CoreKeys.NODE_INSTANCE_ID)
        && settings.optionalString(CoreKeys.NODE_INSTANCE_ID).isEmpty()) {
      return ConfigException.invalid(
          CoreKeys.NODE_INSTANCE_ID,
          "",
          settings.source(CoreKeys.NODE_INSTANCE_ID),
          "empty",
          "Give this node's stable id (e.g. n1), or remove the setting to use instance metadata"
              + " (or, with node.address set, the host name)");
    }
    return null;
  }

  public NodeIdentity resolve() throws IdentityException {
    ConfigException empty = emptyInstanceId(settings);
    if (empty != null) {
      throw empty;
    }
    Optional<String> addressOverride = settings.optionalString(CoreKeys.NODE_ADDRESS);
    if (addressOverride.isPresent()) {
      InetAddress address = parseAddress(addressOverride.get());
      String hostname = settings.optionalString(CoreKeys.NODE_HOSTNAME).orElse(null);
      String id =
          settings
              .optionalString(CoreKeys.NODE_INSTANCE_ID)
              .orElse(hostname != null ? hostname : IpLiteral.format(address));
      return new NodeIdentity(
          id,
          address,
          null,
          hostname,
          settings.optionalString(CoreKeys.NODE_AVAILABILITY_ZONE).orElse(null),
          settings.optionalString(CoreKeys.NODE_REGION).orElse(System.getenv("AWS_REGION")),
          settings.optionalString(CoreKeys.NODE_ASG).orElse(null));
    }
    InstanceMetadata imds = metadata.get();
    try {
      Optional<String> idOverride = override(CoreKeys.NODE_INSTANCE_ID);
      String id = idOverride.isPresent() ? idOverride.get() : required(imds, "instance-id");
      InetAddress address = parseAddress(required(imds, "local-ipv4"));
      InetAddress ipv6 = imds.get("ipv6").map(IpLiteral::parseOrNull).orElse(null);
      String hostname =
          override(CoreKeys.NODE_HOSTNAME).orElseGet(() -> orNull(imds, "local-hostname"));
      if (hostname == null) {
        hostname = osHostname.get();
      }
      String az =
          override(CoreKeys.NODE_AVAILABILITY_ZONE)
              .orElseGet(() -> orNull(imds, "placement/availability-zone"));
      String region =
          override(CoreKeys.NODE_REGION).orElseGet(() -> orNull(imds, "placement/region"));
      String asg =
          override(CoreKeys.NODE_ASG).orElseGet(() -> orNull(imds, "autoscaling/group-name"));
      return new NodeIdentity(id, address, ipv6, hostname, az, region, asg);
    } catch (IOException e) {
      throw new IdentityException(
          e.getMessage()
              + ". Not on EC2? Set node.address (--node-address or MUSTER_NODE_ADDRESS) to this"
              + " host's private IP, and node.instance-id to a stable id for it.",
          e);
    }
  }

  private Optional<String> override(io.muster.config.Key key) {
    return settings.optionalString(key);
  }

  private static String required(InstanceMetadata imds, String path) throws IOException {
    return imds.get(path)
        .orElseThrow(
            () -> new IOException("instance metadata has no " + path + " at " + imds.endpoint()));
  }

  private static String orNull(InstanceMetadata imds, String path) {
    try {
      return imds.get(path).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private InetAddress parseAddress(String text) {
    InetAddress a = IpLiteral.parseOrNull(text);
    if (a == null) {
      throw ConfigException.invalid(
          CoreKeys.NODE_ADDRESS,
          text,
          settings.source(CoreKeys.NODE_ADDRESS),
          "not an IP address",
          "Give this host's private IPv4 or IPv6 address, e.g. 10.0.1.12");
    }
    return a;
  }

  /** Identity could not be resolved; the message names the override to set. */
  public static final class IdentityException extends Exception {
    private static final long serialVersionUID = 1L;

    public IdentityException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
