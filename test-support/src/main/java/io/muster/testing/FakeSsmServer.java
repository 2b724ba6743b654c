package io.muster.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A fake SSM Parameter Store on loopback, speaking the real JSON 1.1 protocol: PutParameter (with
 * Overwrite semantics), GetParameter, GetParameters (1-10 names; unknown ones under
 * InvalidParameters), GetParametersByPath (MaxResults <= 10, NextToken paging), DeleteParameter.
 * SecureString values read without decryption come back as opaque ciphertext, as on AWS.
 */
public final class FakeSsmServer extends FakeAwsJsonServer {
  /** What the fake stores for one parameter. */
  public record Param(String name, String type, String value, String keyId, long version) {}

  public static final String CIPHERTEXT = "AQICAHfakeCiphertext==";

  private final NavigableMap<String, Param> params = new TreeMap<>();

  public FakeSsmServer() {
    super("AmazonSSM.", "ssm");
  }

  /** The stored parameter, for assertions (type, key id). */
  public synchronized Param param(String name) {
    return params.get(name);
  }

  public synchronized Map<String, Param> all() {
    return Map.copyOf(params);
  }

  @Override
  protected synchronized JsonNode dispatch(String action, JsonNode body) throws ApiError {
    return switch (action) {
      case "PutParameter" -> put(body);
      case "GetParameter" -> get(body);
      case "GetParameters" -> getMany(body);
      case "GetParametersByPath" -> byPath(body);
      case "DeleteParameter" -> delete(body);
      default -> throw new ApiError("InvalidAction", "fake SSM does not implement " + action);
    };
  }

  private JsonNode put(JsonNode body) throws ApiError {
    String name = text(body, "Name");
    String value = text(body, "Value");
    String type = body.has("Type") ? body.get("Type").asText() : null;
    String keyId = body.has("KeyId") ? body.get("KeyId").asText() : null;
    boolean overwrite = bool(body, "Overwrite");
    if (!name.matches("(/?[A-Za-z0-9_.-]+)+")) {
      throw new ApiError("ValidationException", "Parameter name: invalid characters: " + name);
    }
    if (value.length() > 4096) {
      throw new ApiError("ValidationException", "Standard tier parameters support up to 4 KB");
    }
    if (keyId != null && !"SecureString".equals(type)) {
      throw new ApiError("ValidationException", "KeyId is only valid for SecureString parameters");
    }
    Param old = params.get(name);
    if (old != null && !overwrite) {
      throw new ApiError(
          "ParameterAlreadyExists",
          "The parameter already exists. To overwrite this value, set the overwrite option in the"
              + " request to true.");
    }
    if (old == null && type == null) {
      throw new ApiError("ValidationException", "Type is required when creating a parameter");
    }
    String t = type == null ? old.type() : type;
    String k = "SecureString".equals(t) ? (keyId != null ? keyId : "alias/aws/ssm") : null;
    long version = old == null ? 1 : old.version() + 1;
    params.put(name, new Param(name, t, value, k, version));
    return object().put("Version", version).put("Tier", "Standard");
  }

  private JsonNode get(JsonNode body) throws ApiError {
    String name = text(body, "Name");
    Param p = params.get(name);
    if (p == null) {
      throw new ApiError("ParameterNotFound", "Parameter " + name + " not found.");
    }
    ObjectNode out = object();
    out.set("Parameter", render(p, bool(body, "WithDecryption")));
    return out;
  }

  private JsonNode getMany(JsonNode body) throws ApiError {
    JsonNode names = body.get("Names");
    if (names == null || !names.isArray() || names.size() < 1 || names.size() > 10) {
      throw new ApiError(
          "ValidationException",
          "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must"
              + " have length less than or equal to 10 and greater than or equal to 1");
    }
    boolean decrypt = bool(body, "WithDecryption");
    ObjectNode out = object();
    ArrayNode found = out.putArray("Parameters");
    ArrayNode invalid = out.putArray("InvalidParameters");
    for (JsonNode n : names) {
      Param p = params.get(n.asText());
      if (p == null) {
        invalid.add(n.asText());
      } else {
        found.add(render(p, decrypt));
      }
    }
    return out;
  }

  private JsonNode byPath(JsonNode body) throws ApiError {
    String path = text(body, "Path");
    if (!path.startsWith("/")) {
      throw new ApiError("ValidationException", "The parameter doesn't meet the path requirements");
    }
    int max = body.has("MaxResults") ? body.get("MaxResults").asInt() : 10;
    if (max < 1 || max > 10) {
      throw new ApiError(
          "ValidationException",
          "1 validation error detected: Value '"
              + max
              + "' at 'maxResults' failed to satisfy constraint: Member must have value less than"
              + " or equal to 10");
    }
    boolean recursive = bool(body, "Recursive");
    boolean decrypt = bool(body, "WithDecryption");
    String base = path.endsWith("/") ? path : path + "/";
    String after =
        body.has("NextToken")
            ? new String(
                Base64.getDecoder().decode(body.get("NextToken").asText()), StandardCharsets.UTF_8)
            : null;
    List<Param> matching = new ArrayList<>();
    for (Param p : params.values()) {
      if (!p.name().startsWith(base)) {
        continue;
      }
      if (!recursive && p.name().indexOf('/', base.length()) >= 0) {
        continue;
      }
      if (after != null && p.name().compareTo(after) <= 0) {
        continue;
      }
      matching.add(p);
    }
    ObjectNode out = object();
    ArrayNode arr = out.putArray("Parameters");
    for (int i = 0; i < Math.min(max, matching.size()); i++) {
      arr.add(render(matching.get(i), decrypt));
    }
    if (matching.size() > max) {
      String last = matching.get(max - 1).name();
      out.put(
          "NextToken", Base64.getEncoder().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private JsonNode delete(JsonNode body) throws ApiError {
    String name = text(body, "Name");
    if (params.remove(name) == null) {
      throw new ApiError("ParameterNotFound", "Parameter " + name + " not found.");
    }
    return object();
  }

  private static ObjectNode render(Param p, boolean decrypt) {
    ObjectNode n = object();
    n.put("Name", p.name());
    n.put("Type", p.type());
    n.put("Value", "SecureString".equals(p.type()) && !decrypt ? CIPHERTEXT : p.value());
    n.put("Version", p.version());
    n.put("ARN", "arn:aws:ssm:us-east-1:123456789012:parameter" + p.name());
    n.put("DataType", "text");
    n.put("LastModifiedDate", 1.7e9);
    return n;
  }
}
