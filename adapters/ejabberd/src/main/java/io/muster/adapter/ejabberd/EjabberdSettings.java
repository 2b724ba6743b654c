package io.muster.adapter.ejabberd;

import static io.muster.adapter.ejabberd.EjabberdAdapterProvider.COOKIE_FILE;
import static io.muster.adapter.ejabberd.EjabberdAdapterProvider.COOKIE_MODE;
import static io.muster.adapter.ejabberd.EjabberdAdapterProvider.COOKIE_OWNER;
import static io.muster.adapter.ejabberd.EjabberdAdapterProvider.CTL;
import static io.muster.adapter.ejabberd.EjabberdAdapterProvider.ERL_CALL;
import static io.muster.adapter.ejabberd.EjabberdAdapterProvider.JOIN_TIMEOUT;
import static io.muster.adapter.ejabberd.EjabberdAdapterProvider.NODE_NAME;
import static io.muster.adapter.ejabberd.EjabberdAdapterProvider.RESTART;
import static io.muster.adapter.ejabberd.EjabberdAdapterProvider.START_TIMEOUT;

import io.muster.config.ConfigException;
import io.muster.config.Key;
import io.muster.config.Settings;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The ejabberd adapter's validated settings.
 *
 * @param ctl argv prefix that runs ejabberdctl
 * @param nodeName how a peer's Erlang node name is derived from its host name or address
 * @param cookieFile the cookie file ejabberd's Erlang VM reads
 * @param cookieOwner user owning the cookie file
 * @param cookieMode permissions of the cookie file (owner-only)
 * @param restart argv that (re)starts ejabberd
 * @param startTimeout limit for ejabberd to report started, and for each quick ejabberdctl call
 * @param joinTimeout limit for one join_cluster / leave_cluster and its check
 * @param erlCall argv prefix that runs erl_call (asks another node's Mnesia without booting a VM)
 */
public record EjabberdSettings(
    List<String> ctl,
    NodeNameTemplate nodeName,
    Path cookieFile,
    String cookieOwner,
    Set<PosixFilePermission> cookieMode,
    List<String> restart,
    Duration startTimeout,
    Duration joinTimeout,
    List<String> erlCall) {

  /** An invalid value; {@link #from} turns it into a ConfigException naming the value's source. */
  static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    final transient Key key;
    final String value;
    final String problem;
    final String fix;

    Invalid(Key key, String value, String problem, String fix) {
      super(key.name() + "='" + value + "': " + problem + ". " + fix);
      this.key = key;
      this.value = value;
      this.problem = problem;
      this.fix = fix;
    }
  }

  public EjabberdSettings {
    ctl = List.copyOf(ctl);
    restart = List.copyOf(restart);
    erlCall = List.copyOf(erlCall);
    if (erlCall.isEmpty()) {
      throw new Invalid(ERL_CALL, "", "empty command", "Give the erl_call command, e.g. erl_call");
    }
    cookieMode = Set.copyOf(cookieMode);
    if (ctl.isEmpty()) {
      throw new Invalid(CTL, "", "empty command", "Give the ejabberdctl command, e.g. ejabberdctl");
    }
    if (restart.isEmpty()) {
      throw new Invalid(
          RESTART,
          "",
          "empty command",
          "Give the restart command, e.g. systemctl,restart,ejabberd");
    }
    if (!cookieFile.isAbsolute()) {
      throw new Invalid(
          COOKIE_FILE,
          cookieFile.toString(),
          "not an absolute path",
          "Use the absolute path, e.g. /var/lib/ejabberd/.erlang.cookie");
    }
    if (cookieFile.getParent() == null || cookieFile.getFileName() == null) {
      throw new Invalid(
          COOKIE_FILE, cookieFile.toString(), "not a file path", "Name the cookie file itself");
    }
    if (cookieOwner.isBlank()) {
      throw new Invalid(COOKIE_OWNER, cookieOwner, "empty", "Name the user ejabberd runs as");
    }
    String mode = PosixFilePermissions.toString(cookieMode);
    if (!cookieMode.contains(PosixFilePermission.OWNER_READ)) {
      throw new Invalid(
          COOKIE_MODE, mode, "the owner cannot read the cookie", "Use 0400 (or 0600)");
    }
    if (cookieMode.stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
      // Erlang's auth module refuses a cookie file that group or others may access.
      throw new Invalid(
          COOKIE_MODE,
          mode,
          "group or others may access the cookie; Erlang refuses it",
          "Use 0400");
    }
    requirePositive(START_TIMEOUT, startTimeout);
    requirePositive(JOIN_TIMEOUT, joinTimeout);
  }

  private static void requirePositive(Key key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new Invalid(key, d.toString(), "must be positive", "Use e.g. 60s");
    }
  }

  /** Reads and validates the keys; errors name the key, the value, where it came from and a fix. */
  public static EjabberdSettings from(Settings s) {
    Duration min = Duration.ofSeconds(1);
    Duration max = Duration.ofHours(1);
    try {
      return new EjabberdSettings(
          s.list(CTL),
          NodeNameTemplate.parse(NODE_NAME, s.string(NODE_NAME, "give the node name template")),
          Path.of(s.string(COOKIE_FILE, "give the cookie file path")),
          s.string(COOKIE_OWNER, "name the user ejabberd runs as"),
          parseMode(s.string(COOKIE_MODE, "give an octal mode such as 0400")),
          s.list(RESTART),
          s.duration(START_TIMEOUT),
          s.duration(JOIN_TIMEOUT),
          s.list(ERL_CALL));
    } catch (Invalid e) {
      // Show the value as the operator wrote it.
      String shown = s.optionalString(e.key).orElse(e.value);
      throw ConfigException.invalid(e.key, shown, s.source(e.key), e.problem, e.fix);
    } catch (java.nio.file.InvalidPathException e) {
      String v = s.optionalString(COOKIE_FILE).orElse("");
      throw ConfigException.invalid(
          COOKIE_FILE, v, s.source(COOKIE_FILE), "not a valid path", "Give an absolute file path");
    }
  }

  /** "0400" / "400" / "0600" -> permissions; only the nine rwx bits are accepted. */
  static Set<PosixFilePermission> parseMode(String text) {
    String t = text.trim();
    if (!t.matches("0?[0-7]{3}")) {
      throw new Invalid(COOKIE_MODE, text, "not an octal file mode", "Write it like 0400");
    }
    int bits = Integer.parseInt(t, 8);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < order.length; i++) {
      if ((bits & (1 << i)) != 0) {
        out.add(order[i]);
      }
    }
    return out;
  }

  /** "0400" for messages. */
  String modeText() {
    int bits = 0;
    String rwx = PosixFilePermissions.toString(cookieMode);
    for (int i = 0; i < 9; i++) {
      if (rwx.charAt(i) != '-') {
        bits |= 1 << (8 - i);
      }
    }
    return String.format("0%o", bits);
  }
}
