package io.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The running agent's /status document (docs/cli.md) as the text of {@code muster status}. */
final class AgentStatusText {
  private final JsonNode s;

  AgentStatusText(JsonNode status) {
    this.s = status;
  }

  void print(PrintWriter out, String url) {
    out.println(
        "source:      agent at "
            + url
            + " (version "
            + s.path("version").asText()
            + ", up "
            + s.path("uptimeSeconds").asLong()
            + "s)");
    out.println("cluster:     " + s.path("cluster").asText());
    out.println(
        "member:      "
            + (s.path("member").asBoolean()
                ? "yes, generation "
                    + s.path("generation").asLong()
                    + " ("
                    + s.path("clusterId").asText()
                    + ") since "
                    + s.path("since").asText()
                : "no"));
    JsonNode ready = s.path("ready");
    out.println(
        "ready:       "
            + (ready.path("ready").asBoolean() ? "yes: " : "no: ")
            + ready.path("reason").asText());
    JsonNode node = s.path("node");
    if (node.has("instanceId")) {
      out.println(
          "node:        " + node.path("instanceId").asText() + " " + node.path("address").asText());
    }
    if (!s.path("seed").isNull()) {
      out.println("seed:        " + s.path("seed").asText());
    }
    JsonNode view = s.path("view");
    if (!view.path("size").isNull()) {
      List<String> peers = new ArrayList<>();
      view.path("peers").forEach(p -> peers.add(p.asText()));
      out.println("view:        " + view.path("size").asInt() + " peer(s) " + peers);
    }
    JsonNode d = s.path("lastDecision");
    if (d.isObject()) {
      out.println(
          "last step:   "
              + d.path("at").asText()
              + " "
              + d.path("decision").asText()
              + " (view "
              + d.path("viewSize").asInt()
              + "): "
              + d.path("reason").asText());
    }
    JsonNode step = s.path("lastStep");
    if (step.isObject()) {
      out.println(
          "last result: "
              + step.path("at").asText()
              + " "
              + step.path("result").asText()
              + ": "
              + step.path("message").asText());
    }
    health(
        out, "discovery:   ", s.path("discovery"), s.path("discovery").path("provider").asText());
    health(out, "store:       ", s.path("store"), s.path("store").path("describe").asText());
    health(out, "adapter:     ", s.path("adapter"), s.path("adapter").path("name").asText());
    if (!s.path("lifecycle").isNull() && !s.path("lifecycle").isMissingNode()) {
      out.println("lifecycle:   " + s.path("lifecycle"));
    }
  }

  private static void health(PrintWriter out, String label, JsonNode h, String name) {
    if (h.isMissingNode() || "null".equals(name)) {
      return;
    }
    StringBuilder line = new StringBuilder(label).append(name);
    line.append(", last success ").append(h.path("lastSuccess").asText("never"));
    JsonNode e = h.path("lastError");
    if (e.isObject()) {
      line.append("; last error ")
          .append(e.path("at").asText())
          .append(" ")
          .append(e.path("operation").asText())
          .append(": ")
          .append(e.path("message").asText());
    }
    out.println(line);
  }
}
