package io.muster.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What can be checked of a CloudFormation template without an AWS account: every resource has a
 * known {@code AWS::} type (from a committed table) with that type's required properties, and every
 * {@code Ref}, {@code Fn::GetAtt} and {@code Fn::Sub} names a parameter, a resource or a pseudo
 * parameter. Templates use the long form of intrinsic functions ({@code Fn::Sub:}, not {@code
 * !Sub}), which every YAML parser reads.
 */
final class CloudFormationCheck {
  static final Set<String> PSEUDO =
      Set.of(
          "AWS::AccountId",
          "AWS::NoValue",
          "AWS::NotificationARNs",
          "AWS::Partition",
          "AWS::Region",
          "AWS::StackId",
          "AWS::StackName",
          "AWS::URLSuffix");

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

  private CloudFormationCheck() {}

  /** The template's problems, each naming the resource at fault; empty when it passes. */
  static List<String> problems(JsonNode template, JsonNode requiredByType) {
    List<String> out = new ArrayList<>();
    JsonNode resources = template.path("Resources");
    if (!resources.isObject() || resources.isEmpty()) {
      out.add("no Resources");
      return out;
    }
    Set<String> names = new HashSet<>();
    template.path("Parameters").fieldNames().forEachRemaining(names::add);
    Set<String> resourceNames = new HashSet<>();
    resources.fieldNames().forEachRemaining(resourceNames::add);
    names.addAll(resourceNames);
    names.addAll(PSEUDO);
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      var e = it.next();
      String type = e.getValue().path("Type").asText();
      JsonNode required = requiredByType.get(type);
      if (!type.startsWith("AWS::") || required == null || !required.isArray()) {
        out.add(
            e.getKey()
                + ": type '"
                + type
                + "' is not in examples/ci/cloudformation-types.json (add it from the AWS"
                + " resource reference, with its required properties)");
        continue;
      }
      for (JsonNode property : required) {
        if (!e.getValue().path("Properties").has(property.asText())) {
          out.add(
              e.getKey() + " (" + type + "): required property " + property.asText() + " missing");
        }
      }
    }
    references(template.path("Resources"), "Resources", names, resourceNames, out);
    references(template.path("Outputs"), "Outputs", names, resourceNames, out);
    return out;
  }

  private static void references(
      JsonNode node, String where, Set<String> names, Set<String> resources, List<String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        String key = e.getKey();
        JsonNode v = e.getValue();
        if (key.equals("Ref") && v.isTextual() && !names.contains(v.asText())) {
          out.add(where + ": Ref to unknown '" + v.asText() + "'");
        } else if (key.equals("Fn::GetAtt")) {
          String target = v.isArray() ? v.path(0).asText() : v.asText().replaceFirst("\\..*$", "");
          if (!resources.contains(target)) {
            out.add(where + ": Fn::GetAtt of unknown resource '" + target + "'");
          }
        } else if (key.equals("Fn::Sub")) {
          String text = v.isArray() ? v.path(0).asText() : v.asText();
          Set<String> local = new HashSet<>(names);
          if (v.isArray() && v.path(1).isObject()) {
            v.path(1).fieldNames().forEachRemaining(local::add);
          }
          Matcher m = SUB_VARIABLE.matcher(text);
          while (m.find()) {
            String name = m.group(1);
            String base = name.contains("::") ? name : name.replaceFirst("\\..*$", "");
            if (!local.contains(base)) {
              out.add(where + ": Fn::Sub of unknown '" + name + "'");
            }
          }
        }
        references(v, where + "." + key, names, resources, out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        references(node.get(i), where + "[" + i + "]", names, resources, out);
      }
    }
  }

  /**
   * The template's value with {@code Fn::Sub} of pseudo parameters resolved to these values (other
   * functions stay as they are): to compare an inline policy with a policy file.
   */
  static JsonNode substitutePseudo(JsonNode node, Map<String, String> pseudo) {
    if (node.isObject()
        && node.size() == 1
        && node.has("Fn::Sub")
        && node.get("Fn::Sub").isTextual()) {
      String s = node.get("Fn::Sub").asText();
      for (var e : pseudo.entrySet()) {
        s = s.replace("${" + e.getKey() + "}", e.getValue());
      }
      return Examples.JSON.getNodeFactory().textNode(s);
    }
    if (node.isObject()) {
      var copy = Examples.JSON.createObjectNode();
      node.fields()
          .forEachRemaining(e -> copy.set(e.getKey(), substitutePseudo(e.getValue(), pseudo)));
      return copy;
    }
    if (node.isArray()) {
      var copy = Examples.JSON.createArrayNode();
      node.forEach(n -> copy.add(substitutePseudo(n, pseudo)));
      return copy;
    }
    return node;
  }
}
