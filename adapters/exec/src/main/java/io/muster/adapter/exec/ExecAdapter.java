package io.muster.adapter.exec;

import io.muster.adapter.AdapterException;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.CredentialsRejectedException;
import io.muster.adapter.FormRequest;
import io.muster.adapter.JoinRequest;
import io.muster.adapter.JoinResult;
import io.muster.adapter.LocalMembership;
import io.muster.adapter.MembershipFollower;
import io.muster.config.Durations;
import io.muster.config.Key;
import io.muster.credentials.Credentials;
import io.muster.credentials.HandoffFiles;
import io.muster.credentials.RecordCodec;
import io.muster.credentials.SecretFiles;
import io.muster.credentials.StoreException;
import io.muster.model.NodeIdentity;
import io.muster.model.Peer;
import io.muster.process.CommandException;
import io.muster.process.ProcessRunner;
import io.muster.process.ProcessRunner.Command;
import io.muster.process.ProcessRunner.ProcessResult;
import io.muster.process.SecretMask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs operator scripts: form, join, leave, inspect, members-changed. Scripts get their inputs as
 * environment variables ({@link ScriptEnv}); secrets only ever through a private file named by
 * {@code MUSTER_CREDENTIALS_FILE}, which lives in a fresh 0700 directory under {@code
 * <state.dir>/handoff} ({@link HandoffFiles}) and is deleted when the script ends. What a script
 * prints is masked for every secret muster knows before it goes into a log line or a message.
 */
public final class ExecAdapter implements ClusterAdapter, MembershipFollower {
  /** Exit code (EX_NOPERM) by which a join script says the cluster refused the secrets. */
  public static final int EXIT_CREDENTIALS_REJECTED = 77;

  /** How much of a failing script's output goes into the error message. */
  static final int OUTPUT_LIMIT = 2048;

  private static final Logger LOG = LoggerFactory.getLogger(ExecAdapter.class);
  private static final String CREDENTIALS_FILE_NAME = "credentials.json";

  private final ExecSettings settings;
  private final Supplier<NodeIdentity> identity;
  private final ProcessRunner runner;
  private final Path tempBase;

  /** The generation this process formed or joined, for scripts run outside a request. */
  private volatile String clusterId;

  /**
   * @param tempBase where the private directory for the credentials file is created: {@code
   *     <state.dir>/handoff} in production
   */
  public ExecAdapter(
      ExecSettings settings, Supplier<NodeIdentity> identity, ProcessRunner runner, Path tempBase) {
    this.settings = settings;
    this.identity = identity;
    this.runner = runner;
    this.tempBase = tempBase;
  }

  @Override
  public String name() {
    return "exec";
  }

  @Override
  public LocalMembership inspect() throws AdapterException {
    if (settings.inspect().isEmpty()) {
      // Without a probe muster cannot tell; it relies on the store's member records instead.
      return new LocalMembership(true, false, null, List.of());
    }
    return runInspect(List.of());
  }

  @Override
  public Credentials form(FormRequest request) throws AdapterException {
    List<String> argv = required(settings.form(), ExecAdapterProvider.FORM, "form");
    Path dir = privateDir();
    try {
      Path file = dir.resolve(CREDENTIALS_FILE_NAME);
      // An empty file the script may fill; 0600 so only this user can read what it writes.
      write(file, new byte[0], SecretFiles.OWNER_READ_WRITE);
      ScriptEnv env = formEnv(request.cluster(), request.clusterId(), request.view(), file);
      Command cmd = command(argv, env);
      ProcessResult r = run("form", cmd);
      if (!r.ok()) {
        // Learn what the script wrote before quoting its output: if it printed the secrets it
        // made, they are masked like every other known secret.
        rememberSecretsIn(file);
      }
      check("form", ExecAdapterProvider.FORM, cmd, r);
      Credentials secrets = readSecrets(file);
      clusterId = request.clusterId();
      LOG.info("form script published {}", secrets);
      return secrets;
    } finally {
      deleteTree(dir);
    }
  }

  /** Only with {@code adapter.exec.verify-target}: the script asks the target itself. */
  @Override
  public boolean provesTargets() {
    return !settings.verifyTarget().isEmpty();
  }

  /**
   * Runs {@code adapter.exec.verify-target} with the target as {@code MUSTER_JOIN_ADDRESS} and the
   * secrets in a private file: exit 0 proves the target is a member of this cluster.
   */
  @Override
  public Optional<String> verifyTarget(JoinRequest request, Peer target) throws AdapterException {
    if (settings.verifyTarget().isEmpty()) {
      return Optional.empty();
    }
    Path dir = privateDir();
    try {
      Path file = dir.resolve(CREDENTIALS_FILE_NAME);
      write(file, RecordCodec.credentialsBytes(request.credentials()), SecretFiles.OWNER_READ);
      ScriptEnv env =
          joinEnv(request.cluster(), request.clusterId(), List.of(target), request.view(), file);
      Command cmd = command(settings.verifyTarget(), env);
      ProcessResult r = run("verify-target", cmd);
      if (r.ok()) {
        return Optional.empty();
      }
      return Optional.of(
          "verify-target script `"
              + cmd.display()
              + "` exited with "
              + r.exitCode()
              + ": "
              + output(r));
    } finally {
      deleteTree(dir);
    }
  }

  @Override
  public JoinResult join(JoinRequest request) throws AdapterException {
    List<String> argv = required(settings.join(), ExecAdapterProvider.JOIN, "join");
    Path dir = privateDir();
    try {
      Path file = dir.resolve(CREDENTIALS_FILE_NAME);
      write(file, RecordCodec.credentialsBytes(request.credentials()), SecretFiles.OWNER_READ);
      ScriptEnv env =
          joinEnv(request.cluster(), request.clusterId(), request.members(), request.view(), file);
      Command cmd = command(argv, env);
      ProcessResult r = run("join", cmd);
      if (r.exitCode() == EXIT_CREDENTIALS_REJECTED) {
        throw new CredentialsRejectedException(
            "join script `"
                + cmd.display()
                + "` exited with "
                + EXIT_CREDENTIALS_REJECTED
                + " (the cluster rejected the join credentials): "
                + output(r));
      }
      check("join", ExecAdapterProvider.JOIN, cmd, r);
      clusterId = request.clusterId();
      return JoinResult.through(joinedThrough(request.members(), r.stdout()));
    } finally {
      deleteTree(dir);
    }
  }

  /** A join script names the member it went through with a stdout line of this form. */
  static final String THROUGH_LINE = "through ";

  /**
   * The member a join script went through: the last {@code through ADDRESS} line it printed on
   * stdout when ADDRESS is one of {@code members}, else {@code MUSTER_JOIN_ADDRESS} (the best
   * member, which scripts that take one target use).
   */
  static Peer joinedThrough(List<Peer> members, String stdout) {
    Peer named = null;
    for (String line : stdout.split("\n")) {
      String t = line.strip();
      if (t.startsWith(THROUGH_LINE)) {
        String address = t.substring(THROUGH_LINE.length()).strip();
        named =
            members.stream().filter(m -> m.addressText().equals(address)).findFirst().orElse(named);
      }
    }
    return named != null ? named : members.get(0);
  }

  @Override
  public Optional<String> verify(List<Peer> expectedMembers) throws AdapterException {
    if (settings.inspect().isEmpty()) {
      return Optional.empty();
    }
    LocalMembership m = runInspect(expectedMembers);
    String cmd = String.join(" ", settings.inspect());
    if (!m.running()) {
      return Optional.of("inspect script `" + cmd + "` says the service is stopped");
    }
    if (!m.clustered()) {
      return Optional.of(
          "inspect script `" + cmd + "` does not report this node as a member (no 'member' line)");
    }
    return Optional.empty();
  }

  @Override
  public void leave(boolean force) throws AdapterException {
    if (settings.leave().isEmpty()) {
      LOG.info("{} is not set: nothing to run to leave", ExecAdapterProvider.LEAVE.name());
      return;
    }
    ScriptEnv env =
        base(settings.cluster(), clusterId).put(ScriptEnv.FORCE, Boolean.toString(force));
    runChecked("leave", ExecAdapterProvider.LEAVE, settings.leave(), env);
  }

  @Override
  public void membersChanged(List<Peer> members) throws AdapterException {
    if (settings.membersChanged().isEmpty()) {
      return;
    }
    runChecked(
        "members-changed",
        ExecAdapterProvider.MEMBERS_CHANGED,
        settings.membersChanged(),
        membersEnv(members));
  }

  @Override
  public List<String> plan(String decisionKind, List<Peer> targets) {
    List<String> steps = new ArrayList<>();
    Path placeholder = tempBase.resolve("exec-PID-XXXX").resolve(CREDENTIALS_FILE_NAME);
    switch (decisionKind) {
      case "form" -> {
        if (settings.form().isEmpty()) {
          steps.add(notSet(ExecAdapterProvider.FORM, "form"));
          break;
        }
        steps.add("create an empty private file (mode 0600) for MUSTER_CREDENTIALS_FILE");
        steps.add(
            describe(
                settings.form(),
                formEnv(settings.cluster(), "<new cluster id>", targets, placeholder)));
        steps.add(
            "read the JSON object of secrets the script wrote to MUSTER_CREDENTIALS_FILE and"
                + " publish it as the join credentials; delete the file");
        addVerify(steps);
      }
      case "join" -> {
        if (settings.join().isEmpty()) {
          steps.add(notSet(ExecAdapterProvider.JOIN, "join"));
          break;
        }
        steps.add(
            "write the join credentials as JSON to a private file (mode 0400) for"
                + " MUSTER_CREDENTIALS_FILE");
        List<Peer> members = targets.isEmpty() ? List.of(self().asPeer()) : targets;
        steps.add(
            describe(
                settings.join(),
                joinEnv(settings.cluster(), "<cluster id>", members, targets, placeholder)));
        steps.add("delete the credentials file");
        addVerify(steps);
      }
      case "leave" -> {
        if (settings.leave().isEmpty()) {
          steps.add(ExecAdapterProvider.LEAVE.name() + " is not set: nothing to run");
        } else {
          steps.add(
              describe(
                  settings.leave(),
                  base(settings.cluster(), clusterId).put(ScriptEnv.FORCE, "true|false")));
        }
      }
      default -> steps.add("nothing to run (" + decisionKind + ")");
    }
    return List.copyOf(steps);
  }

  @Override
  public String toString() {
    return "exec adapter";
  }

  // ---- environments (one definition per script, shared by runs and plans)

  private ScriptEnv base(String cluster, String id) {
    return ScriptEnv.base(cluster, id, self());
  }

  private ScriptEnv formEnv(String cluster, String id, List<Peer> view, Path file) {
    return base(cluster, id)
        .seedOfRanked(view)
        .peers(view)
        .put(ScriptEnv.CREDENTIALS_FILE, file.toString());
  }

  private ScriptEnv joinEnv(
      String cluster, String id, List<Peer> members, List<Peer> view, Path file) {
    return base(cluster, id)
        .seedOfRanked(view.isEmpty() ? members : view)
        .put(ScriptEnv.JOIN_ADDRESS, members.get(0).addressText())
        .peers(members)
        .put(ScriptEnv.CREDENTIALS_FILE, file.toString());
  }

  private ScriptEnv membersEnv(List<Peer> members) {
    return base(settings.cluster(), clusterId).seedOfUnranked(members).peers(members);
  }

  private NodeIdentity self() {
    return identity.get();
  }

  // ---- running

  private LocalMembership runInspect(List<Peer> expected) throws AdapterException {
    ScriptEnv env = base(settings.cluster(), clusterId).peers(expected);
    Command cmd = command(settings.inspect(), env);
    ProcessResult r = run("inspect", cmd);
    check("inspect", ExecAdapterProvider.INSPECT, cmd, r);
    return InspectOutput.parse(r.stdout());
  }

  private void runChecked(String step, Key key, List<String> argv, ScriptEnv env)
      throws AdapterException {
    Command cmd = command(argv, env);
    check(step, key, cmd, run(step, cmd));
  }

  private Command command(List<String> argv, ScriptEnv env) {
    return new Command(argv, env.toMap(), null, settings.timeout());
  }

  private ProcessResult run(String step, Command cmd) throws AdapterException {
    if ("inspect".equals(step)) {
      // Inspect runs at every re-check of a member: a member's steady state logs at debug.
      LOG.debug("running {} script `{}`", step, cmd.display());
    } else {
      LOG.info("running {} script `{}`", step, cmd.display());
    }
    try {
      return runner.run(cmd);
    } catch (CommandException e) {
      if (e.notStarted()) {
        // A missing or non-executable script stays so: fail at once with the fix.
        throw new AdapterException(
            step + " script: " + e.getMessage() + " (fix the script's path or mode)", false, e);
      }
      throw new AdapterException(
          step
              + " script: "
              + e.getMessage()
              + " (check the script, or raise "
              + ExecAdapterProvider.TIMEOUT.name()
              + ")",
          true,
          e);
    }
  }

  /** A non-zero exit is retryable: the bootstrap loop backs off and tries again (or elsewhere). */
  private static void check(String step, Key key, Command cmd, ProcessResult r)
      throws AdapterException {
    if (!r.ok()) {
      throw new AdapterException(
          step
              + " script `"
              + cmd.display()
              + "` exited with "
              + r.exitCode()
              + ": "
              + output(r)
              + " (fix the script set in "
              + key.name()
              + ")",
          true);
    }
  }

  /**
   * stderr, or stdout when stderr is empty; the last {@link #OUTPUT_LIMIT} characters; every known
   * secret masked (again: a runner other than the system's may not have).
   */
  static String output(ProcessResult r) {
    String err = r.stderr() == null ? "" : SecretMask.mask(r.stderr()).strip();
    if (!err.isEmpty()) {
      return "stderr: " + tail(err);
    }
    String out = r.stdout() == null ? "" : SecretMask.mask(r.stdout()).strip();
    return out.isEmpty() ? "no output" : "stdout: " + tail(out);
  }

  static String tail(String s) {
    if (s.length() <= OUTPUT_LIMIT) {
      return s;
    }
    return "["
        + (s.length() - OUTPUT_LIMIT)
        + " chars cut] "
        + s.substring(s.length() - OUTPUT_LIMIT);
  }

  private static List<String> required(List<String> argv, Key key, String step)
      throws AdapterException {
    if (argv.isEmpty()) {
      throw new AdapterException(notSet(key, step), false);
    }
    return argv;
  }

  private static String notSet(Key key, String step) {
    return key.name()
        + " is not set: the exec adapter has no script to "
        + step
        + " with (set it, or "
        + key.env()
        + ", to the script's path and arguments)";
  }

  private String describe(List<String> argv, ScriptEnv env) {
    return "run `"
        + String.join(" ", argv)
        + "` (timeout "
        + Durations.format(settings.timeout())
        + ") with "
        + String.join(", ", env.names());
  }

  private void addVerify(List<String> steps) {
    if (!settings.inspect().isEmpty()) {
      steps.add(
          "verify: run `"
              + String.join(" ", settings.inspect())
              + "` and expect 'member' on the first line");
    }
  }

  // ---- private files

  private Path privateDir() throws AdapterException {
    try {
      return HandoffFiles.newPrivateDir(tempBase, "exec");
    } catch (IOException e) {
      throw new AdapterException(
          "could not create a private directory in "
              + tempBase
              + ": "
              + e
              + " (state.dir must be a directory muster can write)",
          false,
          e);
    }
  }

  /** Reads the secrets a failed form script left, only so that they are known and masked. */
  private static void rememberSecretsIn(Path file) {
    try {
      readSecrets(file);
    } catch (AdapterException | RuntimeException e) {
      // Not a JSON object of secrets: there is nothing more to mask than what muster knew.
    }
  }

  private static void write(Path file, byte[] content, Set<PosixFilePermission> mode)
      throws AdapterException {
    try {
      SecretFiles.writeNew(file, content, mode);
    } catch (IOException e) {
      throw new AdapterException("could not write " + file + ": " + e, true, e);
    }
  }

  private static Credentials readSecrets(Path file) throws AdapterException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Credentials.none(); // the script removed it: it has nothing to publish
    } catch (IOException e) {
      throw new AdapterException(
          "could not read " + file + " after the form script: " + e, true, e);
    }
    if (text.isBlank()) {
      return Credentials.none();
    }
    try {
      return RecordCodec.credentials(
          text, "the file the form script wrote (MUSTER_CREDENTIALS_FILE)");
    } catch (StoreException e) {
      throw new AdapterException(e.getMessage(), false);
    }
  }

  private static void deleteTree(Path dir) {
    try {
      HandoffFiles.remove(dir);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}; remove it by hand", dir, e.toString());
    }
  }
}
