package io.muster.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link Settings} from a YAML file, {@code MUSTER_*} environment variables and flags, in
 * that order of increasing precedence (flag > env > file > default). Unknown keys in the file are
 * errors that name the key and the nearest known one; unknown MUSTER_ variables are reported
 * through {@link #warnings()}.
 */
public final class SettingsLoader {
  private final KeyRegistry registry;
  private final List<String> warnings = new ArrayList<>();

  public SettingsLoader(KeyRegistry registry) {
    this.registry = registry;
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /**
   * @param file the YAML file or null
   * @param env the process environment
   * @param flags values given as flags, by key name (repeatable flags give several items)
   */
  public Settings load(Path file, Map<String, String> env, Map<String, List<String>> flags) {
    Map<String, Settings.Raw> values = new LinkedHashMap<>();
    if (file != null) {
      values.putAll(readFile(file));
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!e.getKey().startsWith("MUSTER_")) {
        continue;
      }
      Key key = registry.byEnv(e.getKey());
      if (key == null) {
        warnings.add(
            "ignoring environment variable "
                + e.getKey()
                + ": no such setting"
                + registry.suggestion(e.getKey()));
        continue;
      }
      values.put(key.name(), new Settings.Raw(List.of(e.getValue()), "env " + e.getKey()));
    }
    for (Map.Entry<String, List<String>> e : flags.entrySet()) {
      Key key = registry.byName(e.getKey());
      if (key == null) {
        throw new IllegalStateException("flag for undeclared key " + e.getKey());
      }
      String shown = key.flag() == null ? e.getKey() : key.flag();
      values.put(key.name(), new Settings.Raw(e.getValue(), "flag " + shown));
    }
    return new Settings(values);
  }

  private Map<String, Settings.Raw> readFile(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist: check -c / --config");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage());
    }
    Map<String, Settings.Raw> out = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return out;
    }
    if (!root.isObject()) {
      throw new ConfigException(
          "config file " + file + ": the top level must be a mapping of keys");
    }
    flatten("", root, file, out);
    return out;
  }

  private void flatten(String prefix, JsonNode node, Path file, Map<String, Settings.Raw> out) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String name = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
      JsonNode v = f.getValue();
      Key key = registry.byName(name);
      String source = "file " + file;
      if (key != null) {
        out.put(name, new Settings.Raw(items(key, v, file), source));
      } else if (v.isObject() && registry.hasPrefix(name + ".")) {
        flatten(name, v, file, out);
      } else {
        throw new ConfigException(
            "config file " + file + ": unknown key '" + name + "'" + registry.suggestion(name));
      }
    }
  }

  private static List<String> items(Key key, JsonNode v, Path file) {
    List<String> items = new ArrayList<>();
    if (v.isObject()) {
      if (key.kind() != Key.Kind.MAP) {
        throw new ConfigException(
            "config file " + file + ": " + key.name() + " takes a single value, not a mapping");
      }
      v.fields().forEachRemaining(e -> items.add(e.getKey() + "=" + e.getValue().asText()));
    } else if (v.isArray()) {
      if (key.kind() != Key.Kind.LIST && key.kind() != Key.Kind.MAP) {
        throw new ConfigException(
            "config file " + file + ": " + key.name() + " takes a single value, not a list");
      }
      v.forEach(e -> items.add(e.asText()));
    } else if (!v.isNull()) {
      items.add(v.asText());
    }
    return items;
  }
}
