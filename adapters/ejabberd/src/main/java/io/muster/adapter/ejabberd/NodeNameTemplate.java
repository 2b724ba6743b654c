package io.muster.adapter.ejabberd;

import io.muster.adapter.AdapterException;
import io.muster.config.Key;
import io.muster.model.Peer;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Erlang node name of a peer's ejabberd, e.g. {@code ejabberd@{hostname}} -> {@code
 * ejabberd@ip-10-0-0-5.ec2.internal}. It must equal ERLANG_NODE in that peer's ejabberdctl.cfg.
 */
public final class NodeNameTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z-]+)}");
  private static final Set<String> KNOWN = Set.of("hostname", "short-hostname", "address");

  private final String template;

  private NodeNameTemplate(String template) {
    this.template = template;
  }

  /**
   * Validates {@code template} (shape and placeholders) and reports problems against {@code key}.
   */
  static NodeNameTemplate parse(Key key, String template) {
    String t = template.trim();
    int at = t.indexOf('@');
    if (at <= 0 || at != t.lastIndexOf('@') || at == t.length() - 1) {
      throw new EjabberdSettings.Invalid(
          key,
          template,
          "an Erlang node name is NAME@HOST",
          "Write it like ejabberd@{hostname} or ejabberd@{address}");
    }
    Matcher m = PLACEHOLDER.matcher(t);
    while (m.find()) {
      if (!KNOWN.contains(m.group(1))) {
        throw new EjabberdSettings.Invalid(
            key,
            template,
            "unknown placeholder {" + m.group(1) + "}",
            "Use {hostname}, {short-hostname} or {address}");
      }
    }
    if (PLACEHOLDER.matcher(t).replaceAll("").matches(".*[{}].*")) {
      throw new EjabberdSettings.Invalid(
          key, template, "unbalanced braces", "Use {hostname}, {short-hostname} or {address}");
    }
    return new NodeNameTemplate(t);
  }

  public static NodeNameTemplate of(String template) {
    return parse(EjabberdAdapterProvider.NODE_NAME, template);
  }

  /** The node name of {@code peer}. */
  public String render(Peer peer) throws AdapterException {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value =
          switch (m.group(1)) {
            case "address" -> peer.addressText();
            case "hostname" -> hostname(peer);
            default -> {
              String h = hostname(peer);
              int dot = h.indexOf('.');
              yield dot > 0 ? h.substring(0, dot) : h;
            }
          };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String hostname(Peer peer) throws AdapterException {
    if (peer.hostname() == null || peer.hostname().isBlank()) {
      throw new AdapterException(
          "cannot name the ejabberd node of "
              + peer.addressText()
              + ": discovery gave no host name, and "
              + EjabberdAdapterProvider.NODE_NAME.name()
              + "='"
              + template
              + "' needs one. Give host names (node.hostname; host=address static peers), or set "
              + EjabberdAdapterProvider.NODE_NAME.name()
              + " to ejabberd@{address} and ERLANG_NODE=ejabberd@<address> in ejabberdctl.cfg",
          false);
    }
    return peer.hostname();
  }

  /** The NAME part of NAME@HOST. */
  static String namePart(String nodeName) {
    return nodeName.substring(0, nodeName.indexOf('@'));
  }

  /** The HOST part of NAME@HOST. */
  static String hostPart(String nodeName) {
    return nodeName.substring(nodeName.indexOf('@') + 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeNameTemplate other && template.equals(other.template);
  }

  @Override
  public int hashCode() {
    return template.hashCode();
  }

  @Override
  public String toString() {
    return template;
  }
}
