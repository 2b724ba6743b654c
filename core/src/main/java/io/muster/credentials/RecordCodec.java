package io.muster.credentials;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.net.IpLiteral;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON form of store records, shared by every store so a record written by one muster version
 * reads the same everywhere. Decoding errors name the entry and the field; errors about credentials
 * never quote the text (it holds secrets), only the position.
 */
public final class RecordCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Logger LOG = LoggerFactory.getLogger("store");

  private RecordCodec() {}

  public static String formation(FormationRecord r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("cluster", r.cluster());
    n.put("generation", r.generation());
    n.put("clusterId", r.clusterId());
    n.put("ownerInstanceId", r.ownerInstanceId());
    n.put("ownerAddress", r.ownerAddress());
    n.put("claimedAt", r.claimedAt().toString());
    if (r.viewSize() > 0) {
      n.put("viewSize", r.viewSize());
    }
    return n.toString();
  }

  /**
   * @param where the entry, for messages: "ssm:/muster/prod/formation/3"
   */
  public static FormationRecord formation(String json, String where) throws StoreException {
    JsonNode n = parse(json, where, "formation record");
    try {
      return new FormationRecord(
          text(n, "cluster", where),
          number(n, "generation", where),
          text(n, "clusterId", where),
          text(n, "ownerInstanceId", where),
          text(n, "ownerAddress", where),
          instant(n, "claimedAt", where),
          // Optional: records written before it existed have none.
          n.path("viewSize").canConvertToInt() ? n.path("viewSize").asInt() : 0);
    } catch (IllegalArgumentException e) {
      throw new StoreException(where + " is not a valid formation record: " + e.getMessage());
    }
  }

  /**
   * The current formation record, read from the entry named for {@code generation}: a record that
   * does not decode, or names another generation, is reported as damaged ({@link
   * StoreException#damagedFormation}) with the entry's name and what is wrong, never as a plain
   * read error, so the bootstrap neither forms nor replaces on it and joiners go on.
   */
  public static FormationRecord currentFormation(String json, String where, long generation)
      throws StoreException {
    FormationRecord r;
    try {
      r = formation(json, where);
    } catch (StoreException e) {
      throw StoreException.damagedFormation(e.getMessage(), generation, e);
    }
    if (r.generation() != generation) {
      throw StoreException.damagedFormation(
          where + " holds generation " + r.generation() + ": its name and content disagree",
          generation,
          null);
    }
    return r;
  }

  public static String member(MemberRecord r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("instanceId", r.instanceId());
    n.put("address", r.address());
    if (r.hostname() != null) {
      n.put("hostname", r.hostname());
    }
    n.put("generation", r.generation());
    n.put("joinedAt", r.joinedAt().toString());
    n.put("status", r.status().name());
    if (r.clusterId() != null) {
      n.put("clusterId", r.clusterId());
    }
    return n.toString();
  }

  public static MemberRecord member(String json, String where) throws StoreException {
    JsonNode n = parse(json, where, "member record");
    JsonNode host = n.get("hostname");
    String address = text(n, "address", where);
    if (IpLiteral.parseOrNull(address) == null) {
      // A joiner would try to join through it.
      throw new StoreException(where + ": field 'address' is not an IP address: " + address);
    }
    try {
      return new MemberRecord(
          text(n, "instanceId", where),
          address,
          host == null || host.isNull() ? null : host.asText(),
          number(n, "generation", where),
          instant(n, "joinedAt", where),
          status(n, where),
          // Optional: records written before it existed have none.
          n.path("clusterId").isTextual() ? n.path("clusterId").asText() : null);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new StoreException(where + " is not a valid member record: " + e.getMessage());
    }
  }

  /**
   * A member record from a listing of all of them: a damaged one is skipped with a warning that
   * names it, so one bad record (a hand edit, a foreign writer) never keeps every joiner from the
   * healthy members listed next to it. Reading one member by id still fails on damage.
   */
  public static Optional<MemberRecord> listedMember(String json, String where) {
    try {
      return Optional.of(member(json, where));
    } catch (StoreException e) {
      LOG.warn(
          "skipping a damaged member record: {} (repair or delete it; the other members are used)",
          e.getMessage());
      return Optional.empty();
    }
  }

  /** Records written before the status existed are members. */
  private static MemberRecord.Status status(JsonNode n, String where) throws StoreException {
    JsonNode s = n.get("status");
    if (s == null || s.isNull()) {
      return MemberRecord.Status.MEMBER;
    }
    try {
      return MemberRecord.Status.valueOf(s.asText());
    } catch (IllegalArgumentException e) {
      throw new StoreException(where + " has an unknown member status '" + s.asText() + "'");
    }
  }

  /** {"name": "secret", ...}, names sorted so equal credentials give equal text. */
  public static String credentials(Credentials c) {
    ObjectNode n = JSON.createObjectNode();
    new TreeMap<>(c.secrets()).forEach((k, v) -> n.put(k, v.reveal()));
    return n.toString();
  }

  public static byte[] credentialsBytes(Credentials c) {
    return credentials(c).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a JSON object of string values. Never quotes the input in errors: it holds secrets.
   *
   * @param where the entry or file, for messages
   */
  public static Credentials credentials(String json, String where) throws StoreException {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // The parser's own message may quote the offending token, i.e. part of a secret.
      var loc = e.getLocation();
      throw new StoreException(
          where
              + " is not valid JSON"
              + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr())
              + (loc == null ? "" : ")")
              + ": it must be a JSON object of strings, e.g. {\"erlang-cookie\": \"...\"}");
    }
    if (n == null || !n.isObject()) {
      throw new StoreException(
          where + " must hold a JSON object of strings, e.g. {\"erlang-cookie\": \"...\"}");
    }
    Map<String, Secret> secrets = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new StoreException(
            where + ": the value of '" + e.getKey() + "' must be a JSON string");
      }
      secrets.put(e.getKey(), Secret.of(e.getValue().asText()));
    }
    return new Credentials(secrets);
  }

  /** The fleet-size hint ({@link CredentialStore#putFleetSize}): {@code {"size": N}}. */
  public static String fleetSize(int size) {
    return JSON.createObjectNode().put("size", size).toString();
  }

  /**
   * The fleet-size hint, or empty when it does not decode: a pacing hint, so a damaged one is
   * ignored (logged), never an error.
   */
  public static java.util.OptionalInt fleetSize(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      if (n != null && n.path("size").canConvertToInt() && n.path("size").asInt() > 0) {
        return java.util.OptionalInt.of(n.path("size").asInt());
      }
    } catch (java.io.IOException | RuntimeException e) {
      // fall through
    }
    LOG.warn("ignoring the fleet-size hint: it is not {\"size\": N}");
    return java.util.OptionalInt.empty();
  }

  private static JsonNode parse(String json, String where, String what) throws StoreException {
    try {
      JsonNode n = JSON.readTree(json);
      if (n == null || !n.isObject()) {
        throw new StoreException(where + " is not a " + what + " (expected a JSON object)");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new StoreException(
          where + " is not a valid " + what + " (" + e.getOriginalMessage() + ")", e);
    }
  }

  private static String text(JsonNode n, String field, String where) throws StoreException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new StoreException(where + ": field '" + field + "' is missing or not a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field, String where) throws StoreException {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new StoreException(where + ": field '" + field + "' is missing or not a whole number");
    }
    return v.asLong();
  }

  private static Instant instant(JsonNode n, String field, String where) throws StoreException {
    String t = text(n, field, where);
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw new StoreException(where + ": field '" + field + "' is not an ISO-8601 instant: " + t);
    }
  }
}
