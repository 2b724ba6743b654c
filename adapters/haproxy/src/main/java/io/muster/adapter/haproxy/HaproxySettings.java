package io.muster.adapter.haproxy;

import static io.muster.adapter.haproxy.HaproxyProvider.BACKEND;
import static io.muster.adapter.haproxy.HaproxyProvider.CHECK_COMMAND;
import static io.muster.adapter.haproxy.HaproxyProvider.CONFIG_FILE;
import static io.muster.adapter.haproxy.HaproxyProvider.DRAIN_TIMEOUT;
import static io.muster.adapter.haproxy.HaproxyProvider.MAIN_CONFIG;
import static io.muster.adapter.haproxy.HaproxyProvider.MASTER_SOCKET;
import static io.muster.adapter.haproxy.HaproxyProvider.RUNTIME_SOCKET;
import static io.muster.adapter.haproxy.HaproxyProvider.SERVER_OPTIONS;
import static io.muster.adapter.haproxy.HaproxyProvider.SERVER_PORT;

import io.muster.config.ConfigException;
import io.muster.config.Key;
import io.muster.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The validated {@code adapter.haproxy.*} settings.
 *
 * @param backend the backend muster owns
 * @param serverPort port for peers without one, or 0 when every peer must carry its own
 * @param serverOptions options of every server, whitespace-normalised, "" when none
 * @param runtimeSocket the admin-level stats socket
 * @param masterSocket the master CLI socket, or null (then option changes wait for the next reload)
 * @param mainConfig what the check command validates
 * @param configFile the file holding the managed block (often the main config itself)
 * @param drainTimeout how long a leaving server may drain
 * @param checkCommand argv validating the configuration, {main-config} already replaced
 */
public record HaproxySettings(
    String backend,
    int serverPort,
    String serverOptions,
    Path runtimeSocket,
    Path masterSocket,
    Path mainConfig,
    Path configFile,
    Duration drainTimeout,
    List<String> checkCommand) {

  /** Characters HAProxy accepts in proxy names. */
  private static final String NAME_CHARS = "[A-Za-z0-9_.:-]+";

  public HaproxySettings {
    Objects.requireNonNull(backend, "backend");
    if (!backend.matches(NAME_CHARS)) {
      throw invalid(
          BACKEND,
          backend,
          "not an HAProxy backend name",
          "Use the name after 'backend' in haproxy.cfg (letters, digits, - _ . :)");
    }
    if (serverPort < 0 || serverPort > 65535) {
      throw invalid(
          SERVER_PORT, String.valueOf(serverPort), "out of range", "Use a port from 1 to 65535");
    }
    serverOptions = serverOptions == null ? "" : normalise(serverOptions);
    // The Runtime API splits a line on ';' and the config parser stops at '#': either would turn
    // an option into another command or silently drop it.
    if (serverOptions.matches(".*[;#\\\\\"'\\r\\n].*")) {
      throw invalid(
          SERVER_OPTIONS,
          serverOptions,
          "contains ; # \\ quotes or a line break",
          "Give plain server keywords such as 'check inter 2s weight 10'");
    }
    requireAbsolute(RUNTIME_SOCKET, runtimeSocket);
    if (masterSocket != null) {
      requireAbsolute(MASTER_SOCKET, masterSocket);
    }
    requireAbsolute(MAIN_CONFIG, mainConfig);
    requireAbsolute(CONFIG_FILE, configFile);
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (drainTimeout.isNegative()) {
      throw invalid(
          DRAIN_TIMEOUT, drainTimeout.toString(), "negative", "Use a duration such as 30s");
    }
    checkCommand = List.copyOf(checkCommand);
    if (checkCommand.isEmpty()) {
      throw invalid(
          CHECK_COMMAND,
          "",
          "empty",
          "Give the validating command as a list, e.g. haproxy,-c,-f,{main-config}");
    }
  }

  /** Reads and validates the keys; errors name the key, value, source and fix. */
  public static HaproxySettings from(Settings s) {
    String backend =
        s.string(BACKEND, "name the HAProxy backend whose servers follow the membership");
    int port = s.isSet(SERVER_PORT) ? s.integer(SERVER_PORT) : 0;
    Path main = path(s, MAIN_CONFIG);
    Path configFile = s.optionalString(CONFIG_FILE).isPresent() ? path(s, CONFIG_FILE) : main;
    List<String> check =
        new ArrayList<>(
            s.list(CHECK_COMMAND).stream()
                .map(a -> a.replace("{main-config}", main.toString()))
                .toList());
    if (!s.isSet(CHECK_COMMAND) && !configFile.startsWith(main)) {
      // The managed file lives outside the main configuration (HAProxy started with a second
      // -f): the default check must load it too, or it would validate nothing of ours.
      check.addAll(List.of("-f", configFile.toString()));
    }
    return new HaproxySettings(
        backend,
        port,
        s.optionalString(SERVER_OPTIONS).orElse(""),
        path(s, RUNTIME_SOCKET),
        s.optionalString(MASTER_SOCKET).isPresent() ? path(s, MASTER_SOCKET) : null,
        main,
        configFile,
        s.duration(DRAIN_TIMEOUT),
        check);
  }

  /** Whether the options turn on health checks, so a new server needs {@code enable health}. */
  public boolean healthChecks() {
    return hasKeyword("check");
  }

  /** Whether the options turn on agent checks, so a new server needs {@code enable agent}. */
  public boolean agentChecks() {
    return hasKeyword("agent-check");
  }

  private boolean hasKeyword(String keyword) {
    return Arrays.asList(serverOptions.split(" ")).contains(keyword);
  }

  static String normalise(String options) {
    return options.trim().replaceAll("[ \\t]+", " ");
  }

  private static Path path(Settings s, Key key) {
    String v = s.string(key, "give an absolute path");
    if (!v.startsWith("/")) {
      throw ConfigException.invalid(key, v, s.source(key), "not absolute", "Give an absolute path");
    }
    return Path.of(v);
  }

  private static void requireAbsolute(Key key, Path p) {
    Objects.requireNonNull(p, key.name());
    if (!p.isAbsolute()) {
      throw invalid(key, p.toString(), "not absolute", "Give an absolute path");
    }
  }

  private static ConfigException invalid(Key key, String value, String problem, String fix) {
    return ConfigException.invalid(key, value, "configuration", problem, fix);
  }
}
