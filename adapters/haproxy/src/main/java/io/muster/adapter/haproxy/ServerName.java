package io.muster.adapter.haproxy;

import io.muster.model.Peer;

/**
 * Server names derived from a member's stable identity, so that a membership change touches only
 * the servers that changed: the instance id when discovery knows one ({@code i-0abc123}), else the
 * address with separators turned into dashes ({@code 10-0-0-5}).
 */
public final class ServerName {
  private ServerName() {}

  public static String of(Peer peer) {
    String id = peer.instanceId();
    // The address in the JDK's full form, not the canonical one, so that names of servers made
    // before addresses were printed canonically stay the same.
    String raw = id != null && !id.isBlank() ? id.trim() : peer.address().getHostAddress();
    // HAProxy accepts letters, digits, - _ . : in names; dots and colons are turned into dashes
    // too so that every name reads the same way and needs no quoting anywhere.
    return raw.replaceAll("[^A-Za-z0-9_-]", "-");
  }
}
