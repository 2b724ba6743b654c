package io.muster.adapter.ejabberd;

import io.muster.credentials.Secret;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/** Small fakes for unit tests: cookie file, epmd, logger. */
final class Fakes {
  private Fakes() {}

  static final class MemoryCookieFile implements CookieFile {
    Optional<Secret> content;
    final List<Secret> writes = new ArrayList<>();

    MemoryCookieFile(Secret initial) {
      content = Optional.ofNullable(initial);
    }

    @Override
    public Optional<Secret> read() {
      return content;
    }

    @Override
    public void write(Secret cookie) {
      writes.add(cookie);
      content = Optional.of(cookie);
    }

    @Override
    public String describe() {
      return "/var/lib/ejabberd/.erlang.cookie (owner ejabberd, mode r--------)";
    }
  }

  /** Fixed names per host ({@link #byHost}), or scripted answers in turn (the last repeats). */
  static final class MapEpmd implements EpmdProbe {
    final Map<String, List<String>> byHost = new HashMap<>();
    final Map<String, Deque<Optional<List<String>>>> scripted = new HashMap<>();
    final List<String> asked = new ArrayList<>();

    @SafeVarargs
    final void answer(String host, Optional<List<String>>... answers) {
      scripted.put(host, new ArrayDeque<>(List.of(answers)));
    }

    /** Hosts where nothing listens on epmd's port. */
    final Set<String> refusing = new HashSet<>();

    @Override
    public boolean nothingListens(String host) {
      return refusing.contains(host);
    }

    @Override
    public Optional<List<String>> names(String host) {
      asked.add(host);
      Deque<Optional<List<String>>> script = scripted.get(host);
      if (script != null) {
        return script.size() > 1 ? script.poll() : script.peek();
      }
      return Optional.ofNullable(byHost.get(host));
    }
  }

  /** A Logger that records every formatted message with its level. */
  static final class RecordingLog {
    final List<String> lines = new ArrayList<>();
    final Logger logger =
        (Logger)
            Proxy.newProxyInstance(
                Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                  String m = method.getName();
                  if (m.startsWith("is") && m.endsWith("Enabled")) {
                    return true;
                  }
                  if (m.equals("getName")) {
                    return "test";
                  }
                  if (List.of("trace", "debug", "info", "warn", "error").contains(m)
                      && args != null
                      && args.length > 0
                      && args[0] instanceof String fmt) {
                    Object[] rest = Arrays.copyOfRange(args, 1, args.length);
                    if (rest.length == 1 && rest[0] instanceof Object[] arr) {
                      rest = arr;
                    }
                    lines.add(
                        m.toUpperCase()
                            + " "
                            + MessageFormatter.arrayFormat(fmt, rest).getMessage());
                  }
                  return null;
                });

    String all() {
      return String.join("\n", lines);
    }
  }
}
