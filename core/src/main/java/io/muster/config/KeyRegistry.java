package io.muster.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every declared key, from every {@link KeyCatalog} on the class path. */
public final class KeyRegistry {
  private final List<KeyCatalog> catalogs;
  private final Map<String, Key> byName = new LinkedHashMap<>();
  private final Map<String, Key> byEnv = new LinkedHashMap<>();

  public KeyRegistry(Collection<KeyCatalog> catalogs) {
    this.catalogs = List.copyOf(catalogs);
    for (KeyCatalog c : catalogs) {
      for (Key k : c.keys()) {
        Key prev = byName.putIfAbsent(k.name(), k);
        if (prev != null && !prev.equals(k)) {
          throw new IllegalStateException("key declared twice: " + k.name());
        }
        byEnv.put(k.env(), k);
      }
    }
  }

  public List<KeyCatalog> catalogs() {
    return catalogs;
  }

  public Collection<Key> keys() {
    return byName.values();
  }

  public Key byName(String name) {
    return byName.get(name);
  }

  public Key byEnv(String env) {
    return byEnv.get(env);
  }

  boolean hasPrefix(String prefix) {
    return byName.keySet().stream().anyMatch(n -> n.startsWith(prefix));
  }

  /** ": did you mean 'x'?" for the closest key by edit distance, or "" when none is close. */
  String suggestion(String unknown) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    boolean isEnv = unknown.startsWith("MUSTER_");
    for (Key k : byName.values()) {
      // A file key may be a section (`clustr:` above `name:`): its candidates are the sections too.
      List<String> candidates = new ArrayList<>();
      candidates.add(isEnv ? k.env() : k.name());
      if (!isEnv) {
        for (int dot = k.name().indexOf('.'); dot > 0; dot = k.name().indexOf('.', dot + 1)) {
          candidates.add(k.name().substring(0, dot));
        }
      }
      for (String candidate : candidates) {
        int d = distance(unknown, candidate);
        if (d < bestDistance) {
          bestDistance = d;
          best = candidate;
        }
      }
    }
    return best != null && bestDistance <= Math.max(3, unknown.length() / 4)
        ? ": did you mean '" + best + "'?"
        : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
