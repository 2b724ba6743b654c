package io.muster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A least-privilege IAM policy document: one statement per muster component, each with only the
 * actions that component calls. Describe calls cannot be scoped to resources, so they use "*";
 * store statements are scoped to the cluster's own parameter or secret path.
 */
record IamPolicy(List<Statement> statements) {

  record Statement(
      String sid,
      List<String> actions,
      String resource,
      Map<String, Map<String, String>> condition) {
    Statement(String sid, List<String> actions, String resource) {
      this(sid, actions, resource, Map.of());
    }
  }

  String toJson() {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = m.createObjectNode();
    root.put("Version", "2012-10-17");
    ArrayNode st = root.putArray("Statement");
    for (Statement s : statements) {
      if (s.actions().isEmpty()) {
        continue;
      }
      ObjectNode n = st.addObject();
      n.put("Sid", s.sid());
      n.put("Effect", "Allow");
      ArrayNode a = n.putArray("Action");
      new TreeSet<>(s.actions()).forEach(a::add);
      n.put("Resource", s.resource());
      if (!s.condition().isEmpty()) {
        ObjectNode c = n.putObject("Condition");
        new TreeMap<>(s.condition())
            .forEach((op, kv) -> new TreeMap<>(kv).forEach(c.putObject(op)::put));
      }
    }
    try {
      return m.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
