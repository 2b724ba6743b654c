package io.muster.adapter.ejabberd;

import io.muster.config.Settings;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.process.ProcessRunner.ProcessResult;
import io.muster.testing.TestNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real ejabberd node (Debian package) inside one {@link TestNetwork} namespace, with everything
 * of its own under {@code dir}: config, spool (Mnesia), logs, pid file, epmd bound to the namespace
 * address, and its own Erlang cookie file. Needs root.
 *
 * <p>Own cookie per node without any {@code -setcookie} in argv: ejabberdctl runs {@code erl}
 * through {@code su ejabberd}, which resets HOME to /var/lib/ejabberd, and Erlang reads {@code
 * $HOME/.erlang.cookie}. The node's ejabberdctl.cfg (sourced by ejabberdctl after its defaults)
 * sets {@code ERL=dir/etc/erl}, a two-line wrapper that sets HOME to {@code dir/home} and execs
 * {@code /usr/bin/erl}; so server and ctl clients of this node use {@code dir/home/.erlang.cookie}.
 * ({@code -env HOME} in ERL_OPTIONS does not work: erlexec fixes {@code -home} before it; and
 * XDG_CONFIG_HOME is only read when $HOME/.erlang.cookie is absent.)
 *
 * <pre>
 * try (TestNetwork net = TestNetwork.create("mej", "10.99.1", 1);
 *     EjabberdNode n1 = EjabberdNode.start(net.node(0), tmp.resolve("n1"))) {
 *   n1.ctlArgv();          // nsenter --net=... /usr/sbin/ejabberdctl --config-dir .../etc
 *   n1.adapterSettings();  // the adapter.ejabberd.* keys for this node
 *   n1.adapterEnv();       // the same as MUSTER_ADAPTER_EJABBERD_* variables
 * }
 * </pre>
 */
public final class EjabberdNode implements AutoCloseable {
  public static final String EJABBERDCTL = "/usr/sbin/ejabberdctl";
  public static final String ERL = "/usr/bin/erl";
  public static final String USER = "ejabberd";
  public static final String XMPP_DOMAIN = "muster.test";

  private final TestNetwork.Node net;
  private final Path dir;
  private final long netnsInode;
  private final Thread killOnExit;
  private Duration lastStart = Duration.ZERO;

  private EjabberdNode(TestNetwork.Node net, Path dir) {
    this.net = net;
    this.dir = dir.toAbsolutePath();
    this.netnsInode = inode(Path.of("/var/run/netns", net.namespace()));
    // If the JVM dies before stop(): no beam or epmd may outlive the test.
    long ino = netnsInode;
    this.killOnExit = new Thread(() -> killAll(ino), "ejabberd-cleanup-" + net.name());
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** Fails (never skips) with what to install when a prerequisite of a real node is missing. */
  public static void requirePrerequisites() {
    List<String> missing = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      missing.add("root (network namespaces, su to the ejabberd user)");
    }
    if (!Files.isExecutable(Path.of(EJABBERDCTL))) {
      missing.add(EJABBERDCTL + " (apt-get install ejabberd)");
    }
    if (!Files.isExecutable(Path.of(ERL))) {
      missing.add(ERL + " (apt-get install erlang-base, a dependency of ejabberd)");
    }
    if (!Files.isExecutable(Path.of("/usr/bin/nsenter"))) {
      missing.add("/usr/bin/nsenter (apt-get install util-linux)");
    }
    if (!Files.isExecutable(Path.of("/usr/bin/socat"))) {
      missing.add("/usr/bin/socat (apt-get install socat; the restart script waits for READY=1)");
    }
    if (!Files.isExecutable(Path.of("/bin/bash"))) {
      missing.add("/bin/bash (apt-get install bash)");
    }
    try {
      Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
    } catch (IOException e) {
      missing.add("user " + USER + " (apt-get install ejabberd)");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "this integration test runs real ejabberd nodes and needs: "
              + String.join(", ", missing)
              + ". Install them (Debian 12: apt-get install ejabberd util-linux iproute2) and run"
              + " as root, or skip integration tests with -DskipITs");
    }
  }

  /** Writes the node's files under {@code dir}, starts it and waits until it reports started. */
  public static EjabberdNode start(TestNetwork.Node net, Path dir) {
    EjabberdNode n = create(net, dir);
    n.start();
    return n;
  }

  /** Writes the node's files under {@code dir} (created if needed) without starting it. */
  public static EjabberdNode create(TestNetwork.Node net, Path dir) {
    EjabberdNode n = new EjabberdNode(net, dir);
    n.writeFiles();
    return n;
  }

  /** Starts ejabberd (not yet running) and waits until {@code status} exits 0. */
  public void start() {
    long t0 = System.nanoTime();
    List<String> argv = new ArrayList<>(ctlArgv());
    argv.add("start");
    // ejabberdctl start leaves daemons (beam, epmd) behind: never give them our pipes.
    runToFile(argv, dir.resolve("log/start.out"), Duration.ofSeconds(30));
    awaitStatus(0, Duration.ofSeconds(60));
    lastStart = Duration.ofNanos(System.nanoTime() - t0);
  }

  /** How long the last {@link #start()} took until {@code status} said started. */
  public Duration lastStart() {
    return lastStart;
  }

  /** The namespace this node runs in. */
  public TestNetwork.Node network() {
    return net;
  }

  public Path dir() {
    return dir;
  }

  /** Erlang node name: ejabberd@ADDRESS (long names, so no /etc/hosts entries). */
  public String nodeName() {
    return "ejabberd@" + net.address();
  }

  /** This node's own cookie file ($HOME/.erlang.cookie of its erl wrapper). */
  public Path cookieFile() {
    return dir.resolve("home/.erlang.cookie");
  }

  /** argv prefix that runs this node's ejabberdctl (append the command). */
  public List<String> ctlArgv() {
    List<String> argv = new ArrayList<>(net.nsenter());
    argv.addAll(List.of(EJABBERDCTL, "--config-dir", dir.resolve("etc").toString()));
    return List.copyOf(argv);
  }

  /** argv prefix that runs erl_call in this node's network namespace. */
  public List<String> erlCallArgv() {
    List<String> argv = new ArrayList<>(net.nsenter());
    argv.add("/usr/bin/erl_call");
    return List.copyOf(argv);
  }

  /** argv that restarts this node like {@code systemctl restart ejabberd}. */
  public List<String> restartArgv() {
    List<String> argv = new ArrayList<>(net.nsenter());
    argv.add(dir.resolve("etc/restart.sh").toString());
    return List.copyOf(argv);
  }

  public Peer peer() {
    return Peer.of(net.address());
  }

  public NodeIdentity identity() {
    return NodeIdentity.of(net.name(), net.address());
  }

  /** The adapter.ejabberd.* values for this node, as key name -> items. */
  public Map<String, List<String>> adapterKeys() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(EjabberdAdapterProvider.CTL.name(), ctlArgv());
    m.put(EjabberdAdapterProvider.NODE_NAME.name(), List.of("ejabberd@{address}"));
    m.put(EjabberdAdapterProvider.COOKIE_FILE.name(), List.of(cookieFile().toString()));
    m.put(EjabberdAdapterProvider.RESTART.name(), restartArgv());
    m.put(EjabberdAdapterProvider.ERL_CALL.name(), erlCallArgv());
    return m;
  }

  /** {@link #adapterKeys()} as Settings (as if given as flags). */
  public Settings adapterSettings() {
    Settings s = Settings.empty();
    s = s.with(EjabberdAdapterProvider.CTL, ctlArgv().toArray(String[]::new));
    s = s.with(EjabberdAdapterProvider.NODE_NAME, "ejabberd@{address}");
    s = s.with(EjabberdAdapterProvider.COOKIE_FILE, cookieFile().toString());
    s = s.with(EjabberdAdapterProvider.ERL_CALL, erlCallArgv().toArray(String[]::new));
    return s.with(EjabberdAdapterProvider.RESTART, restartArgv().toArray(String[]::new));
  }

  /** {@link #adapterKeys()} as MUSTER_* environment variables (lists comma-joined). */
  public Map<String, String> adapterEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(EjabberdAdapterProvider.CTL.env(), String.join(",", ctlArgv()));
    env.put(EjabberdAdapterProvider.NODE_NAME.env(), "ejabberd@{address}");
    env.put(EjabberdAdapterProvider.COOKIE_FILE.env(), cookieFile().toString());
    env.put(EjabberdAdapterProvider.RESTART.env(), String.join(",", restartArgv()));
    env.put(EjabberdAdapterProvider.ERL_CALL.env(), String.join(",", erlCallArgv()));
    return env;
  }

  /** Runs {@code ejabberdctl args} for this node. */
  public ProcessResult ctl(String... args) {
    List<String> argv = new ArrayList<>(ctlArgv());
    argv.addAll(List.of(args));
    return run(argv, Duration.ofSeconds(120));
  }

  /** {@code ejabberdctl status} exit code: 0 started, 1 VM up app stopped, 3 down. */
  public int status() {
    return ctl("status").exitCode();
  }

  /** Node names from {@code ejabberdctl list_cluster}; fails unless it exits 0. */
  public List<String> listCluster() {
    ProcessResult r = ctl("list_cluster");
    if (!r.ok()) {
      throw new IllegalStateException(
          nodeName() + ": list_cluster exited " + r.exitCode() + ": " + r.stdout() + r.stderr());
    }
    return Ejabberdctl.parseNodes(r.stdout());
  }

  /** The pid of the running beam (from the pid file), if any. */
  public Optional<Long> pid() {
    try {
      String text = Files.readString(dir.resolve("run/ejabberd.pid")).trim();
      long pid = Long.parseLong(text);
      // A stale pid file may name a reused pid: only this node's beam counts.
      byte[] cmdline = Files.readAllBytes(Path.of("/proc", text, "cmdline"));
      String args = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ') + " ";
      return args.contains(" " + nodeName() + " ") ? Optional.of(pid) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Kills the beam with SIGKILL: a crash, not a clean stop. */
  public void crash() {
    pid()
        .flatMap(ProcessHandle::of)
        .ifPresent(
            h -> {
              h.destroyForcibly();
              h.onExit().join();
            });
  }

  /** Waits until {@code status} exits {@code code}; fails after {@code limit}. */
  public void awaitStatus(int code, Duration limit) {
    long end = System.nanoTime() + limit.toNanos();
    int last;
    while ((last = status()) != code) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException(
            nodeName()
                + ": ejabberdctl status still exits "
                + last
                + " after "
                + limit.toSeconds()
                + "s (wanted "
                + code
                + "); see "
                + dir.resolve("log/ejabberd.log"));
      }
      sleep(300);
    }
  }

  /** A probe that asks epmd from inside this node's namespace (the test JVM is outside). */
  EpmdProbe epmdProbe() {
    return host -> {
      List<String> argv = new ArrayList<>(net.nsenter());
      argv.addAll(
          List.of(
              "/bin/bash",
              "-c",
              "exec 3<>/dev/tcp/\"$0\"/4369 || exit 3; printf '\\000\\001n' >&3; cat <&3",
              host));
      try {
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
          p.destroyForcibly();
          return Optional.empty();
        }
        return Optional.of(EpmdProbe.parseNames(out));
      } catch (IOException | IllegalArgumentException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    };
  }

  /**
   * Stops ejabberd ({@code ejabberdctl stop}, then waits), then kills whatever still runs in this
   * node's namespace (beam, epmd, stray ctl clients). Safe to call more than once.
   */
  public void stop() {
    if (pid().isPresent()) {
      ctl("stop");
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (pid().isPresent() && System.nanoTime() < end) {
        sleep(200);
      }
    }
    killAll(netnsInode);
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException ignored) {
      // JVM already shutting down: the hook runs anyway.
    }
  }

  /** Pids of the processes in this node's network namespace. */
  public List<Long> processes() {
    return processesIn(netnsInode);
  }

  /** Deletes {@code root} recursively (the node dirs are owned by ejabberd; we are root). */
  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- files ----

  private void writeFiles() {
    String a = net.address();
    try {
      for (String sub : List.of("etc", "home", "spool", "log", "run")) {
        Files.createDirectories(dir.resolve(sub));
      }
      write(
          "etc/ejabberd.yml",
          String.join(
              "\n",
              "hosts:",
              "  - " + XMPP_DOMAIN,
              "loglevel: info",
              "log_rotate_count: 0",
              "certfiles: []",
              "acme:",
              "  auto: false",
              "listen:",
              "  -",
              "    port: 5222",
              "    ip: \"" + a + "\"",
              "    module: ejabberd_c2s",
              ""),
          "rw-r-----");
      write(
          "etc/ejabberdctl.cfg",
          String.join(
              "\n",
              "# Sourced by ejabberdctl (as shell) after its defaults.",
              "ERLANG_NODE=ejabberd@" + a,
              "SPOOL_DIR=" + dir.resolve("spool"),
              "LOGS_DIR=" + dir.resolve("log"),
              "EJABBERD_PID_PATH=" + dir.resolve("run/ejabberd.pid"),
              "INET_DIST_INTERFACE=" + a,
              "ERL_EPMD_ADDRESS=" + a,
              "EJABBERD_BYPASS_WARNINGS=true",
              "# Own cookie per node: see etc/erl.",
              "ERL=" + dir.resolve("etc/erl"),
              ""),
          "rw-r--r--");
      write(
          "etc/erl",
          String.join(
              "\n",
              "#!/bin/sh",
              "# ejabberdctl runs erl through `su ejabberd`, which sets HOME=/var/lib/ejabberd;",
              "# Erlang reads its cookie from $HOME/.erlang.cookie. This node has its own HOME.",
              "HOME='" + dir.resolve("home") + "'",
              "export HOME",
              "exec " + ERL + " \"$@\"",
              ""),
          "rwxr-xr-x");
      write(
          "etc/restart.sh",
          String.join(
              "\n",
              "#!/bin/sh",
              "# Test stand-in for `systemctl restart ejabberd`: stop the node, also when",
              "# ejabberdctl can no longer reach it (its cookie file changed), then start it.",
              "D='" + dir + "'",
              "CTL=\"" + EJABBERDCTL + " --config-dir $D/etc\"",
              "PIDFILE=\"$D/run/ejabberd.pid\"",
              "if [ -s \"$PIDFILE\" ]; then",
              "  pid=$(cat \"$PIDFILE\")",
              "  # Only this node's beam: a stale pid file may name a reused pid.",
              "  if tr '\\0' ' ' </proc/\"$pid\"/cmdline 2>/dev/null | grep -q -- \" -name "
                  + nodeName()
                  + " \"; then",
              "    $CTL stop >/dev/null 2>&1 || kill -TERM \"$pid\"",
              "    i=0",
              "    while kill -0 \"$pid\" 2>/dev/null; do",
              "      i=$((i + 1))",
              "      [ \"$i\" -eq 150 ] && kill -KILL \"$pid\"",
              "      sleep 0.2",
              "    done",
              "  fi",
              "fi",
              "# A stopping node removes its pid file before its beam exits, and `start` refuses",
              "# (exit 4) while that beam lives: wait for this node's beam itself too.",
              "i=0",
              "while pgrep -f -- \" -name " + nodeName() + " \" >/dev/null; do",
              "  i=$((i + 1))",
              "  [ \"$i\" -eq 150 ] && pkill -KILL -f -- \" -name " + nodeName() + " \"",
              "  sleep 0.2",
              "done",
              "# Like `systemctl restart ejabberd` with Debian's unit (Type=notify), return once",
              "# ejabberd says READY=1 on NOTIFY_SOCKET (its ejabberd_systemd module does at the",
              "# end of its start), not as soon as `ejabberdctl start` has launched the VM.",
              "NOTIFY_SOCKET=\"$D/run/notify.sock\"",
              "export NOTIFY_SOCKET",
              "NOTIFY_LOG=\"$D/run/notify.log\"",
              "rm -f \"$NOTIFY_SOCKET\" \"$NOTIFY_LOG\"",
              "socat -u UNIX-RECV:\"$NOTIFY_SOCKET\",mode=666 OPEN:\"$NOTIFY_LOG\",creat,append \\",
              "  </dev/null >/dev/null 2>&1 &",
              "listener=$!",
              "i=0",
              "while [ ! -S \"$NOTIFY_SOCKET\" ] && [ \"$i\" -lt 250 ]; do",
              "  i=$((i + 1))",
              "  sleep 0.02",
              "done",
              "$CTL start >>\"$D/log/start.out\" 2>&1 </dev/null",
              "rc=$?",
              "# systemd gives up after the unit's TimeoutSec; this after 50 s, within the",
              "# adapter's default start-timeout (60 s), whose `status` polling then decides.",
              "i=0",
              "while [ \"$rc\" -eq 0 ] && [ \"$i\" -lt 1000 ] \\",
              "    && ! grep -q READY=1 \"$NOTIFY_LOG\" 2>/dev/null; do",
              "  i=$((i + 1))",
              "  sleep 0.05",
              "done",
              "kill \"$listener\" 2>/dev/null",
              "wait \"$listener\" 2>/dev/null",
              "rm -f \"$NOTIFY_SOCKET\"",
              "exit \"$rc\"",
              ""),
          "rwxr-xr-x");
      Files.copy(
          Path.of("/etc/ejabberd/inetrc"),
          dir.resolve("etc/inetrc"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      // ejabberd must reach its dirs: every parent traversable, everything below owned by it.
      Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
      for (Path p = dir; p != null; p = p.getParent()) {
        if (p.startsWith(tmp) && !p.equals(tmp)) {
          // Test-made dirs (e.g. a JUnit @TempDir, created 0700).
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else if (!Files.getPosixFilePermissions(p)
            .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
          throw new IllegalStateException(
              p + " is not traversable by user " + USER + ": put the node dir below " + tmp);
        }
      }
      UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
      var user = lookup.lookupPrincipalByName(USER);
      var group = lookup.lookupPrincipalByGroupName(USER);
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.toList()) {
          Files.setOwner(p, user);
          Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
              .setGroup(group);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the files of test node " + nodeName(), e);
    }
  }

  private void write(String rel, String text, String perms) throws IOException {
    Path p = dir.resolve(rel);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
  }

  // ---- processes ----

  private static ProcessResult run(List<String> argv, Duration timeout) {
    try {
      Path out = Files.createTempFile("ejabberd-node-", ".out");
      try {
        Process p =
            new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          throw new IllegalStateException("timed out: " + String.join(" ", argv));
        }
        return new ProcessResult(p.exitValue(), Files.readString(out), "");
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + String.join(" ", argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void runToFile(List<String> argv, Path log, Duration timeout) {
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", argv));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", argv) + " exited " + p.exitValue() + "; see " + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + String.join(" ", argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static long inode(Path p) {
    try {
      return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    } catch (IOException e) {
      throw new UncheckedIOException("no network namespace " + p, e);
    }
  }

  private static List<Long> processesIn(long netnsInode) {
    String want = "net:[" + netnsInode + "]";
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (want.equals(Files.readSymbolicLink(p.resolve("ns/net")).toString())) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // Gone meanwhile, or a kernel thread.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }

  /** SIGTERM, then SIGKILL after 5 s, to every process in the namespace. */
  private static void killAll(long netnsInode) {
    List<ProcessHandle> handles =
        processesIn(netnsInode).stream().flatMap(pid -> ProcessHandle.of(pid).stream()).toList();
    handles.forEach(ProcessHandle::destroy);
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    for (ProcessHandle h : handles) {
      while (h.isAlive() && System.nanoTime() < end) {
        sleep(100);
      }
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
