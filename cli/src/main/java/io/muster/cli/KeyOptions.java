package io.muster.cli;

import io.muster.config.Key;
import io.muster.config.KeyRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Generates the command-line flags from the key declarations, so a flag exists exactly where a key
 * declares one, and reads back what the user gave.
 */
public final class KeyOptions {
  private KeyOptions() {}

  public static void addTo(CommandSpec spec, KeyRegistry registry) {
    for (Key key : registry.keys()) {
      if (key.flag() == null || spec.findOption(key.flag()) != null) {
        continue;
      }
      boolean repeatable = key.kind() == Key.Kind.LIST || key.kind() == Key.Kind.MAP;
      OptionSpec.Builder b =
          OptionSpec.builder(key.flag())
              .description(key.fullDoc() + " [" + key.name() + ", " + key.env() + "]")
              .paramLabel(key.kind() == Key.Kind.MAP ? "KEY=VALUE" : "VALUE")
              .descriptionKey(key.name())
              .hidden(false);
      if (repeatable) {
        b.type(String[].class).arity("1");
      } else {
        b.type(String.class).arity("1");
      }
      spec.addOption(b.build());
    }
  }

  /** Flags the user actually gave, by key name. */
  public static Map<String, List<String>> given(CommandSpec spec, KeyRegistry registry) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Key key : registry.keys()) {
      if (key.flag() == null) {
        continue;
      }
      OptionSpec o = spec.findOption(key.flag());
      if (o != null && !o.originalStringValues().isEmpty()) {
        out.put(key.name(), new ArrayList<>(o.originalStringValues()));
      }
    }
    return out;
  }
}
