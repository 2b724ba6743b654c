package io.muster.credentials;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The join secrets of one cluster generation, by name (e.g. {@code erlang-cookie}, {@code
 * swarm-worker-token}). {@code toString()} lists names only.
 */
public record Credentials(Map<String, Secret> secrets) {
  public Credentials {
    secrets = Map.copyOf(secrets);
  }

  public static Credentials none() {
    return new Credentials(Map.of());
  }

  public Optional<Secret> get(String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  @Override
  public String toString() {
    return "Credentials" + new TreeMap<>(secrets).keySet();
  }
}
