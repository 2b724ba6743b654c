package io.muster.config;

import com.fasterxml.jackson.core.exc.StreamReadException;
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
import java.util.Set;

/**
 * Builds {@link Settings} from a YAML file, {@code MUSTER_*} environment variables and flags, in
 * that order of increasing precedence (flag > env > file > default). Unknown keys in the file are
 * errors that name the key and the nearest known one; unknown MUSTER_ variables are reported
 * through {@link #warnings()}.
 */
public final class SettingsLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

  /**
   * {@code MUSTER_} variables that belong to muster's launchers, not to its configuration: {@code
   * MUSTER_SKIP_BUILD} of the checkout's {@code ./muster}, and {@code MUSTER_JAR}, {@code
   * MUSTER_CDS_ARCHIVE} and {@code MUSTER_JAVA_OPTS} of the package's {@code /usr/bin/muster}. The
   * launchers unset them, but a JVM started another way (a test inside a Maven build) still sees
   * them: they are ignored quietly, not reported as "no such setting". LauncherVariablesTest keeps
   * this list equal to what the launchers unset.
   */
  public static final Set<String> LAUNCHER_VARIABLES =
      Set.of("MUSTER_SKIP_BUILD", "MUSTER_JAR", "MUSTER_CDS_ARCHIVE", "MUSTER_JAVA_OPTS");

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
      if (!e.getKey().startsWith("MUSTER_") || LAUNCHER_VARIABLES.contains(e.getKey())) {
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
    Settings settings = new Settings(values);
    validate(registry, settings);
    return settings;
  }

  /**
   * Checks every value that is set against its key's kind and constraint, and every key that a
   * setting makes required, so that a bad value is reported when settings load, whichever command
   * reads it and whether or not the component that reads it is selected. Defaults are not checked
   * here: a test checks each default once against its own key. Every problem is reported, not just
   * the first.
   */
  public static void validate(KeyRegistry registry, Settings settings) {
    List<String> problems = new ArrayList<>();
    for (Key key : registry.keys()) {
      try {
        if (settings.isSet(key)) {
          parse(settings, key);
        }
        if (key.requiredWhen() != null
            && key.requiredWhen().holds(settings)
            && settings.optionalString(key).isEmpty()) {
          throw ConfigException.missing(key, "it is required when " + key.requiredWhen());
        }
      } catch (ConfigException e) {
        problems.add(e.getMessage());
      }
    }
    if (problems.size() == 1) {
      throw new ConfigException(problems.get(0));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.size() + " problems:\n  " + String.join("\n  ", problems));
    }
  }

  /** Reads the key through its typed getter: the one place values are judged. */
  private static void parse(Settings settings, Key key) {
    if (settings.optionalString(key).isEmpty()) {
      return; // set to nothing: the key's default no longer applies, and it is not required
    }
    switch (key.kind()) {
      case INT -> settings.integer(key);
      case BOOL -> settings.bool(key);
      case DURATION -> settings.duration(key);
      case MAP -> settings.map(key);
      case STRING -> settings.optionalString(key);
      case LIST -> settings.list(key);
    }
  }

  /** Far above any real configuration; a larger "file" is a mistake (-c /dev/zero, a log). */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  private Map<String, Settings.Raw> readFile(Path file) {
    JsonNode root;
    try {
      root = YAML.readTree(readConfigText(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist: check -c / --config");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new ConfigException(
          "config file "
              + file
              + " cannot be read (permission denied): run muster as a user that may read it, or"
              + " fix its mode");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ConfigException(
          "config file " + file + " is not UTF-8 text: give the YAML configuration file");
    } catch (StreamReadException e) {
      String duplicate = duplicateField(e);
      if (duplicate != null) {
        throw new ConfigException(
            "config file "
                + file
                + ": key '"
                + duplicate
                + "' is given twice"
                + line(e)
                + "; keep one (YAML would silently use the last)");
      }
      throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage());
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

  /**
   * The file's text, after checking it is one: an empty path, a directory, a device or a huge file
   * each get their own message instead of "not valid YAML" or an OutOfMemoryError.
   */
  private static String readConfigText(Path file) throws IOException {
    if (file.toString().isEmpty()) {
      throw new ConfigException("-c / --config was given an empty path: name the YAML file");
    }
    if (Files.isDirectory(file)) {
      throw new ConfigException(
          "config file " + file + " is a directory: name the YAML file in it (-c FILE)");
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new ConfigException(
          "config file " + file + " is not a regular file: name the YAML file (-c FILE)");
    }
    if (Files.exists(file) && Files.size(file) > MAX_FILE_BYTES) {
      throw new ConfigException(
          "config file "
              + file
              + " is "
              + Files.size(file)
              + " bytes, more than the "
              + MAX_FILE_BYTES
              + " a configuration may have: check -c / --config");
    }
    return Files.readString(file);
  }

  /** The field a duplicate-key error names, or null for any other parse error. */
  private static String duplicateField(StreamReadException e) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("Duplicate field '([^']*)'")
            .matcher(e.getOriginalMessage());
    if (!m.find()) {
      return null;
    }
    String parent = "";
    com.fasterxml.jackson.core.JsonParser p = e.getProcessor();
    if (p != null && p.getParsingContext() != null) {
      parent = path(p.getParsingContext().getParent());
    }
    return parent.isEmpty() ? m.group(1) : parent + "." + m.group(1);
  }

  private static String path(com.fasterxml.jackson.core.JsonStreamContext c) {
    StringBuilder b = new StringBuilder();
    for (; c != null; c = c.getParent()) {
      if (c.getCurrentName() != null) {
        b.insert(0, b.length() == 0 ? c.getCurrentName() : c.getCurrentName() + ".");
      }
    }
    return b.toString();
  }

  private static String line(StreamReadException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
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
        if (out.containsKey(name)) {
          // Nested and dotted forms of one key (election: {stable-for: 1s} and
          // election.stable-for: 2s) would otherwise silently keep the last.
          throw new ConfigException(
              "config file " + file + ": key '" + name + "' is given twice; keep one");
        }
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
