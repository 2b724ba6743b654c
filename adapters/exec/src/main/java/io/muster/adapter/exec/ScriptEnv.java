package io.muster.adapter.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.election.AddressOrder;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment variables handed to scripts. Pure: values are built from the request, never from
 * secrets (those go through the file named by {@link #CREDENTIALS_FILE}).
 */
final class ScriptEnv {
  static final String CLUSTER = "MUSTER_CLUSTER";
  static final String CLUSTER_ID = "MUSTER_CLUSTER_ID";
  static final String NODE_ADDRESS = "MUSTER_NODE_ADDRESS";
  static final String NODE_INSTANCE_ID = "MUSTER_NODE_INSTANCE_ID";
  static final String SEED_ADDRESS = "MUSTER_SEED_ADDRESS";
  static final String JOIN_ADDRESS = "MUSTER_JOIN_ADDRESS";
  static final String PEERS_JSON = "MUSTER_PEERS_JSON";
  static final String CREDENTIALS_FILE = "MUSTER_CREDENTIALS_FILE";
  static final String FORCE = "MUSTER_FORCE";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> vars = new LinkedHashMap<>();

  private ScriptEnv() {}

  /** Cluster, cluster id (when known) and this node. */
  static ScriptEnv base(String cluster, String clusterId, NodeIdentity self) {
    ScriptEnv e = new ScriptEnv();
    e.put(CLUSTER, cluster);
    e.put(CLUSTER_ID, clusterId);
    e.put(NODE_ADDRESS, self.addressText());
    e.put(NODE_INSTANCE_ID, self.instanceId());
    return e;
  }

  ScriptEnv put(String name, String value) {
    if (value != null) {
      vars.put(name, value);
    }
    return this;
  }

  ScriptEnv peers(List<Peer> peers) {
    return put(PEERS_JSON, peersJson(peers));
  }

  /** The seed of a ranked view is its first peer. */
  ScriptEnv seedOfRanked(List<Peer> ranked) {
    return ranked.isEmpty() ? this : put(SEED_ADDRESS, ranked.get(0).addressText());
  }

  /** For an unranked set (the membership): the lowest address, as the election ranks. */
  ScriptEnv seedOfUnranked(List<Peer> peers) {
    return peers.stream()
        .min(byAddress())
        .map(p -> put(SEED_ADDRESS, p.addressText()))
        .orElse(this);
  }

  Map<String, String> toMap() {
    return Map.copyOf(vars);
  }

  /** Names only, in the order they were added; for plans. */
  List<String> names() {
    return List.copyOf(vars.keySet());
  }

  /**
   * [{"address":"10.0.0.1","hostname":"n1","instanceId":"i-1","availabilityZone":"eu-west-1a",
   * "port":5222}], fields omitted when unknown.
   */
  static String peersJson(List<Peer> peers) {
    ArrayNode arr = JSON.createArrayNode();
    for (Peer p : peers) {
      ObjectNode n = arr.addObject();
      n.put("address", p.addressText());
      if (p.hostname() != null) {
        n.put("hostname", p.hostname());
      }
      if (p.instanceId() != null) {
        n.put("instanceId", p.instanceId());
      }
      if (p.availabilityZone() != null) {
        n.put("availabilityZone", p.availabilityZone());
      }
      if (p.port() > 0) {
        n.put("port", p.port());
      }
    }
    return arr.toString();
  }

  static Comparator<Peer> byAddress() {
    return Comparator.comparing(Peer::address, AddressOrder.INSTANCE);
  }
}
