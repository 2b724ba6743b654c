package io.muster.plugin;

import io.muster.config.Key;
import java.util.Objects;

/**
 * One kind of plugin: its SPI type, the noun used in messages ("discovery provider") and the key
 * that selects one by name ({@code discovery.provider}).
 */
public record PluginKind<P extends Plugin>(Class<P> type, String noun, Key selector) {
  public PluginKind {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(noun, "noun");
    Objects.requireNonNull(selector, "selector");
  }
}
