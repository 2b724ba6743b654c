package io.muster.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A fake AWS Secrets Manager on loopback, speaking the real JSON 1.1 protocol: CreateSecret,
 * GetSecretValue, PutSecretValue, ListSecrets (name-prefix filter, MaxResults <= 100, NextToken),
 * DeleteSecret, RestoreSecret. With {@link #lingerDeletes(boolean)}, deleted secrets stay
 * "scheduled for deletion" (as AWS does for a while even with ForceDeleteWithoutRecovery).
 */
public final class FakeSecretsManagerServer extends FakeAwsJsonServer {
  /** What the fake stores for one secret. */
  public record StoredSecret(
      String name, String value, String kmsKeyId, int versions, boolean deleted) {}

  private final NavigableMap<String, StoredSecret> secrets = new TreeMap<>();
  private boolean lingerDeletes;

  public FakeSecretsManagerServer() {
    super("secretsmanager.", "secretsmanager");
  }

  public synchronized StoredSecret secret(String name) {
    return secrets.get(name);
  }

  public synchronized void lingerDeletes(boolean on) {
    lingerDeletes = on;
  }

  @Override
  protected synchronized JsonNode dispatch(String action, JsonNode body) throws ApiError {
    return switch (action) {
      case "CreateSecret" -> create(body);
      case "GetSecretValue" -> get(body);
      case "PutSecretValue" -> put(body);
      case "ListSecrets" -> list(body);
      case "DeleteSecret" -> delete(body);
      case "RestoreSecret" -> restore(body);
      default ->
          throw new ApiError("InvalidAction", "fake Secrets Manager does not implement " + action);
    };
  }

  private JsonNode create(JsonNode body) throws ApiError {
    String name = text(body, "Name");
    String value = text(body, "SecretString");
    if (!name.matches("[A-Za-z0-9/_+=.@-]{1,512}")) {
      throw new ApiError("ValidationException", "Invalid name: " + name);
    }
    StoredSecret old = secrets.get(name);
    if (old != null && old.deleted()) {
      throw new ApiError(
          "InvalidRequestException",
          "You can't create this secret because a secret with this name is already scheduled for"
              + " deletion.");
    }
    if (old != null) {
      throw new ApiError(
          "ResourceExistsException",
          "The operation failed because the secret " + name + " already exists.");
    }
    String kms = body.has("KmsKeyId") ? body.get("KmsKeyId").asText() : null;
    secrets.put(name, new StoredSecret(name, value, kms, 1, false));
    return ident(name);
  }

  private StoredSecret live(JsonNode body) throws ApiError {
    String id = text(body, "SecretId");
    StoredSecret s = secrets.get(id);
    if (s == null) {
      throw new ApiError(
          "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    if (s.deleted()) {
      throw new ApiError(
          "InvalidRequestException",
          "You can't perform this operation on the secret because it was marked for deletion.");
    }
    return s;
  }

  private JsonNode get(JsonNode body) throws ApiError {
    StoredSecret s = live(body);
    ObjectNode out = ident(s.name());
    out.put("SecretString", s.value());
    out.putArray("VersionStages").add("AWSCURRENT");
    out.put("CreatedDate", 1.7e9);
    return out;
  }

  private JsonNode put(JsonNode body) throws ApiError {
    StoredSecret s = live(body);
    String value = text(body, "SecretString");
    secrets.put(s.name(), new StoredSecret(s.name(), value, s.kmsKeyId(), s.versions() + 1, false));
    ObjectNode out = ident(s.name());
    out.putArray("VersionStages").add("AWSCURRENT");
    return out;
  }

  private JsonNode list(JsonNode body) throws ApiError {
    int max = body.has("MaxResults") ? body.get("MaxResults").asInt() : 100;
    if (max < 1 || max > 100) {
      throw new ApiError("ValidationException", "MaxResults must be from 1 to 100");
    }
    List<String> prefixes = new ArrayList<>();
    JsonNode filters = body.get("Filters");
    if (filters != null) {
      for (JsonNode f : filters) {
        if (!"name".equals(f.path("Key").asText())) {
          throw new ApiError("InvalidParameterException", "fake supports only the name filter");
        }
        f.path("Values").forEach(v -> prefixes.add(v.asText()));
      }
    }
    int start = body.has("NextToken") ? Integer.parseInt(body.get("NextToken").asText()) : 0;
    List<StoredSecret> matching = new ArrayList<>();
    for (StoredSecret s : secrets.values()) {
      if (!s.deleted()
          && (prefixes.isEmpty() || prefixes.stream().anyMatch(p -> s.name().startsWith(p)))) {
        matching.add(s);
      }
    }
    ObjectNode out = object();
    ArrayNode arr = out.putArray("SecretList");
    int end = Math.min(matching.size(), start + max);
    for (int i = start; i < end; i++) {
      StoredSecret s = matching.get(i);
      arr.add(ident(s.name()).put("LastChangedDate", 1.7e9));
    }
    if (end < matching.size()) {
      out.put("NextToken", Integer.toString(end));
    }
    return out;
  }

  private JsonNode delete(JsonNode body) throws ApiError {
    StoredSecret s = live(body);
    if (!bool(body, "ForceDeleteWithoutRecovery")) {
      throw new ApiError("InvalidParameterException", "fake expects ForceDeleteWithoutRecovery");
    }
    if (lingerDeletes) {
      secrets.put(
          s.name(), new StoredSecret(s.name(), s.value(), s.kmsKeyId(), s.versions(), true));
    } else {
      secrets.remove(s.name());
    }
    return ident(s.name()).put("DeletionDate", 1.7e9);
  }

  private JsonNode restore(JsonNode body) throws ApiError {
    String id = text(body, "SecretId");
    StoredSecret s = secrets.get(id);
    if (s == null) {
      throw new ApiError(
          "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    secrets.put(s.name(), new StoredSecret(s.name(), s.value(), s.kmsKeyId(), s.versions(), false));
    return ident(s.name());
  }

  private static ObjectNode ident(String name) {
    return object()
        .put("ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name + "-AbCdEf")
        .put("Name", name)
        .put("VersionId", UUID.randomUUID().toString());
  }
}
