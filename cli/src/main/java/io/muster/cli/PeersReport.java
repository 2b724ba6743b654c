package io.muster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.election.Decision;
import io.muster.election.Election;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import java.util.List;

/**
 * What {@code muster peers} prints: self, the ranked view, the seed, the decision and its reason.
 * The JSON shape is documented in docs/cli.md; keep the two in step.
 */
record PeersReport(NodeIdentity self, String discovery, List<Peer> view, Decision decision) {

  List<Peer> ranked() {
    return Election.rank(view);
  }

  String toJson() {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = m.createObjectNode();
    ObjectNode s = root.putObject("self");
    s.put("address", self.addressText());
    s.put("instanceId", self.instanceId());
    s.put("hostname", self.hostname());
    root.put("discovery", discovery);
    ArrayNode peers = root.putArray("peers");
    List<Peer> ranked = ranked();
    for (int i = 0; i < ranked.size(); i++) {
      Peer p = ranked.get(i);
      ObjectNode n = peers.addObject();
      n.put("rank", i + 1);
      n.put("address", p.addressText());
      n.put("instanceId", p.instanceId());
      n.put("hostname", p.hostname());
      n.put("availabilityZone", p.availabilityZone());
      n.put("launchTime", p.launchTime() == null ? null : p.launchTime().toString());
      if (p.port() != 0) {
        n.put("port", p.port());
      }
      n.put("self", p.address().equals(self.address()));
    }
    if (ranked.isEmpty()) {
      root.putNull("seed");
    } else {
      ObjectNode seed = root.putObject("seed");
      seed.put("address", ranked.get(0).addressText());
      seed.put("instanceId", ranked.get(0).instanceId());
    }
    root.put("decision", decision.kind());
    root.put("reason", decision.reason());
    try {
      return m.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  String toText() {
    StringBuilder b = new StringBuilder();
    b.append("self:      ").append(self.addressText());
    b.append("  instance ").append(self.instanceId());
    if (self.hostname() != null) {
      b.append("  host ").append(self.hostname());
    }
    b.append('\n');
    b.append("discovery: ").append(discovery).append('\n');
    List<Peer> ranked = ranked();
    b.append("peers:     ").append(ranked.size()).append('\n');
    b.append(
        String.format(
            "  %-4s  %-39s  %-21s  %-30s  %s%n", "rank", "address", "instance", "hostname", ""));
    for (int i = 0; i < ranked.size(); i++) {
      Peer p = ranked.get(i);
      String marks = (i == 0 ? "seed " : "") + (p.address().equals(self.address()) ? "self" : "");
      b.append(
          String.format(
              "  %-4d  %-39s  %-21s  %-30s  %s%n",
              i + 1,
              p.addressText() + (p.port() != 0 ? " :" + p.port() : ""),
              dash(p.instanceId()),
              dash(p.hostname()),
              marks.trim()));
    }
    b.append("seed:      ")
        .append(ranked.isEmpty() ? "-" : ranked.get(0).addressText())
        .append('\n');
    b.append("decision:  ").append(decision.kind()).append('\n');
    b.append("reason:    ").append(decision.reason()).append('\n');
    return b.toString();
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
