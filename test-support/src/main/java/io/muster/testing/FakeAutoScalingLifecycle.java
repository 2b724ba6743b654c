package io.muster.testing;

import io.muster.testing.FakeAwsQueryServer.Reply;
import io.muster.testing.FakeAwsQueryServer.Request;
import io.muster.testing.FakeAwsQueryServer.Service;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Auto Scaling's lifecycle-hook API on a {@link FakeAwsQueryServer}, speaking the real Query
 * protocol: {@code CompleteLifecycleAction}, {@code RecordLifecycleActionHeartbeat} and {@code
 * DescribeAutoScalingInstances}. There is no emulator for this API, so this models what the AWS
 * documentation and public bug reports say it does:
 *
 * <ul>
 *   <li>An instance launched or terminated while its group has hooks for that transition waits in
 *       {@code Pending:Wait} / {@code Terminating:Wait} until every such hook is answered; then it
 *       moves on ({@code InService}, or {@code Terminated}). ABANDON on launch terminates it.
 *   <li>Each waiting action times out after the hook's heartbeat timeout without a heartbeat, and
 *       at the latest after min(48 h, 100 x heartbeat timeout); it is then resolved with the hook's
 *       default result. Time comes from the {@link Clock} given (a {@link ManualClock} in tests).
 *   <li>A completed, abandoned or expired action, a wrong token and an unknown hook all answer
 *       {@code ValidationError: No active Lifecycle Action found with token|instance ID ...}.
 *   <li>The propagation race: {@link #race} delays when the API shows the {@code *:Wait} state and
 *       when it starts accepting completions, after the instance metadata already shows the target
 *       state ({@link #mirrorTo}). Until then completion and heartbeat answer "No active Lifecycle
 *       Action found", exactly as reported in production.
 * </ul>
 *
 * Every accepted completion and heartbeat is recorded, so tests can assert "exactly once".
 */
public final class FakeAutoScalingLifecycle {
  public static final String LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING";
  public static final String TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING";
  private static final Duration MAX_GLOBAL_TIMEOUT = Duration.ofHours(48);

  /** A lifecycle hook of a group, as PutLifecycleHook creates it. */
  public record Hook(
      String group,
      String name,
      String transition,
      Duration heartbeatTimeout,
      String defaultResult) {}

  /**
   * How one action ended.
   *
   * @param result CONTINUE or ABANDON
   * @param byTimeout true when the heartbeat or global timeout resolved it with the default result
   * @param byToken true when the caller named the action by token, false by instance id
   */
  public record Completion(
      String group,
      String hook,
      String instanceId,
      String transition,
      String result,
      boolean byTimeout,
      boolean byToken,
      Instant at) {}

  /** One accepted heartbeat. */
  public record Heartbeat(String hook, String instanceId, Instant at) {}

  private static final class Action {
    final Hook hook;
    final String instanceId;
    final String token = UUID.randomUUID().toString();
    final Instant started;
    final Instant globalDeadline;
    Instant deadline;
    String result;

    Action(Hook hook, String instanceId, Instant now) {
      this.hook = hook;
      this.instanceId = instanceId;
      this.started = now;
      this.deadline = now.plus(hook.heartbeatTimeout());
      Duration global = hook.heartbeatTimeout().multipliedBy(100);
      this.globalDeadline =
          now.plus(global.compareTo(MAX_GLOBAL_TIMEOUT) < 0 ? global : MAX_GLOBAL_TIMEOUT);
    }
  }

  private static final class Instance {
    final String id;
    final String group;
    String state;
    String transition;
    Instant transitionStarted;
    final List<Action> actions = new ArrayList<>();

    Instance(String id, String group) {
      this.id = id;
      this.group = group;
    }
  }

  private final FakeAwsQueryServer server;
  private final Clock clock;
  private final List<Hook> hooks = new ArrayList<>();
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private final List<Completion> completions = new ArrayList<>();
  private final List<Heartbeat> heartbeats = new ArrayList<>();
  private Duration showsWaitAfter = Duration.ZERO;
  private Duration acceptsAfter = Duration.ZERO;
  private FakeImds imds;
  private Duration imdsLag = Duration.ZERO;
  private final Map<String, FakeImds> imdsOf = new LinkedHashMap<>();
  private java.util.function.Consumer<Completion> onCompletion = c -> {};
  private boolean denied;

  /** Registers the lifecycle actions on {@code server}; time is read from {@code clock}. */
  public FakeAutoScalingLifecycle(FakeAwsQueryServer server, Clock clock) {
    this.server = server;
    this.clock = clock;
    server.on(Service.AUTO_SCALING, "CompleteLifecycleAction", this::complete);
    server.on(Service.AUTO_SCALING, "RecordLifecycleActionHeartbeat", this::heartbeat);
    server.on(Service.AUTO_SCALING, "DescribeAutoScalingInstances", this::describe);
  }

  /** Adds a hook (PutLifecycleHook). {@code defaultResult} is CONTINUE or ABANDON. */
  public synchronized FakeAutoScalingLifecycle hook(
      String group,
      String name,
      String transition,
      Duration heartbeatTimeout,
      String defaultResult) {
    if (heartbeatTimeout.getSeconds() < 30 || heartbeatTimeout.getSeconds() > 7200) {
      throw new IllegalArgumentException(
          "HeartbeatTimeout must be 30..7200 s: " + heartbeatTimeout);
    }
    hooks.add(new Hook(group, name, transition, heartbeatTimeout, defaultResult));
    return this;
  }

  /**
   * The propagation race: the API shows the {@code *:Wait} state only {@code showsWaitAfter} after
   * a transition starts, and accepts completions and heartbeats only {@code acceptsAfter} after it
   * (at least {@code showsWaitAfter}). Before, both answer "No active Lifecycle Action found".
   */
  public synchronized FakeAutoScalingLifecycle race(
      Duration showsWaitAfter, Duration acceptsAfter) {
    this.showsWaitAfter = showsWaitAfter;
    this.acceptsAfter = acceptsAfter.compareTo(showsWaitAfter) < 0 ? showsWaitAfter : acceptsAfter;
    return this;
  }

  /**
   * Mirrors each instance's target state into {@code imds}'s {@code
   * autoscaling/target-lifecycle-state}, visible {@code lag} after the API changed (use a zero lag
   * and {@link #race} for metadata that runs ahead of the API). {@code imds} then reads time from
   * this fake's clock.
   */
  public synchronized FakeAutoScalingLifecycle mirrorTo(FakeImds imds, Duration lag) {
    this.imds = imds.clock(clock);
    this.imdsLag = lag;
    return this;
  }

  /**
   * As {@link #mirrorTo(FakeImds, Duration)}, for one instance: each instance of a fleet has its
   * own instance metadata. Instances without their own use the shared one, if any.
   */
  public synchronized FakeAutoScalingLifecycle mirrorTo(
      String instanceId, FakeImds imds, Duration lag) {
    imdsOf.put(instanceId, imds.clock(clock));
    this.imdsLag = lag;
    return this;
  }

  /**
   * Runs {@code listener} for each accepted CompleteLifecycleAction while the call is being
   * answered, before the caller hears back: to check what held at the moment of the answer (say,
   * that the instance was already a member of the cluster).
   */
  public synchronized FakeAutoScalingLifecycle onCompletion(
      java.util.function.Consumer<Completion> listener) {
    this.onCompletion = listener;
    return this;
  }

  /** Answers every call with 403 AccessDenied, as without the IAM permission. */
  public synchronized FakeAutoScalingLifecycle deny() {
    this.denied = true;
    return this;
  }

  /** A new instance of {@code group}: it waits for the group's launch hooks, if any. */
  public synchronized FakeAutoScalingLifecycle launch(String group, String instanceId) {
    Instance i = new Instance(instanceId, group);
    instances.put(instanceId, i);
    begin(i, LAUNCHING, "Pending");
    return this;
  }

  /** An instance enters the warm pool: its target state is {@code Warmed:Stopped}; no hooks. */
  public synchronized FakeAutoScalingLifecycle warm(String group, String instanceId) {
    Instance i = new Instance(instanceId, group);
    i.state = "Warmed:Stopped";
    instances.put(instanceId, i);
    mirror(i, "Warmed:Stopped");
    return this;
  }

  /** Scale-in or TerminateInstanceInAutoScalingGroup: waits for the terminate hooks, if any. */
  public synchronized FakeAutoScalingLifecycle terminate(String instanceId) {
    Instance i = instance(instanceId);
    settle(i);
    begin(i, TERMINATING, "Terminating");
    return this;
  }

  /** The instance's lifecycle state as DescribeAutoScalingInstances shows it now. */
  public synchronized String state(String instanceId) {
    Instance i = instance(instanceId);
    settle(i);
    return shownState(i);
  }

  /** The token of the instance's waiting action for {@code hook}, as a notification carries it. */
  public synchronized String token(String instanceId, String hook) {
    return instance(instanceId).actions.stream()
        .filter(a -> a.hook.name().equals(hook))
        .reduce((a, b) -> b)
        .map(a -> a.token)
        .orElseThrow(
            () -> new IllegalArgumentException("no action of " + hook + " for " + instanceId));
  }

  /** Every resolved action, in order (accepted completions and timeouts). */
  public synchronized List<Completion> completions() {
    instances.values().forEach(this::settle);
    return List.copyOf(completions);
  }

  /** Completions of one instance's action for {@code hook}. */
  public synchronized List<Completion> completions(String instanceId, String hook) {
    return completions().stream()
        .filter(c -> c.instanceId().equals(instanceId) && c.hook().equals(hook))
        .toList();
  }

  public synchronized List<Heartbeat> heartbeats() {
    return List.copyOf(heartbeats);
  }

  private Instance instance(String id) {
    Instance i = instances.get(id);
    if (i == null) {
      throw new IllegalArgumentException("no instance " + id);
    }
    return i;
  }

  private void begin(Instance i, String transition, String intermediate) {
    Instant now = clock.instant();
    i.transition = transition;
    i.transitionStarted = now;
    i.actions.clear();
    for (Hook h : hooks) {
      if (h.group().equals(i.group) && h.transition().equals(transition)) {
        i.actions.add(new Action(h, i.id, now));
      }
    }
    i.state = i.actions.isEmpty() ? proceedTarget(transition, "CONTINUE") : intermediate + ":Wait";
    mirror(i, transition.equals(LAUNCHING) ? "InService" : "Terminated");
  }

  private static String proceedTarget(String transition, String result) {
    return transition.equals(LAUNCHING) && result.equals("CONTINUE") ? "InService" : "Terminated";
  }

  private void mirror(Instance i, String target) {
    FakeImds to = imdsOf.getOrDefault(i.id, imds);
    if (to != null) {
      to.putAt("autoscaling/target-lifecycle-state", target, clock.instant().plus(imdsLag));
    }
  }

  /** Applies timeouts that are due and moves an instance whose actions are all answered. */
  private void settle(Instance i) {
    Instant now = clock.instant();
    for (Action a : i.actions) {
      if (a.result == null) {
        Instant due = a.deadline.isBefore(a.globalDeadline) ? a.deadline : a.globalDeadline;
        if (!now.isBefore(due)) {
          resolve(i, a, a.hook.defaultResult(), true, false, due);
        }
      }
    }
  }

  private void resolve(
      Instance i, Action a, String result, boolean timeout, boolean byToken, Instant at) {
    a.result = result;
    completions.add(
        new Completion(i.group, a.hook.name(), i.id, i.transition, result, timeout, byToken, at));
    boolean abandon = result.equals("ABANDON");
    if (abandon) {
      // ABANDON stops the remaining hooks of the transition.
      i.actions.stream().filter(o -> o.result == null).forEach(o -> o.result = "ABANDON");
    }
    if (i.actions.stream().allMatch(o -> o.result != null)) {
      String next = proceedTarget(i.transition, abandon ? "ABANDON" : "CONTINUE");
      i.state = next;
      if (next.equals("Terminated") && i.transition.equals(LAUNCHING)) {
        mirror(i, "Terminated");
      }
    }
  }

  private String shownState(Instance i) {
    if (i.state.endsWith(":Wait")
        && clock.instant().isBefore(i.transitionStarted.plus(showsWaitAfter))) {
      return i.state.substring(0, i.state.indexOf(':'));
    }
    return i.state;
  }

  private synchronized Reply complete(Request r) {
    if (denied) {
      return denied("CompleteLifecycleAction");
    }
    String result = r.param("LifecycleActionResult");
    if (!"CONTINUE".equals(result) && !"ABANDON".equals(result)) {
      return validation(
          "1 validation error detected: Value '"
              + result
              + "' at 'lifecycleActionResult' failed to satisfy constraint: Member must be"
              + " CONTINUE or ABANDON");
    }
    Lookup found = lookup(r);
    if (found.error != null) {
      return found.error;
    }
    resolve(
        found.instance,
        found.action,
        result,
        false,
        r.param("LifecycleActionToken") != null,
        clock.instant());
    onCompletion.accept(completions.get(completions.size() - 1));
    return ok("CompleteLifecycleAction", "");
  }

  private synchronized Reply heartbeat(Request r) {
    if (denied) {
      return denied("RecordLifecycleActionHeartbeat");
    }
    Lookup found = lookup(r);
    if (found.error != null) {
      return found.error;
    }
    Instant now = clock.instant();
    Instant next = now.plus(found.action.hook.heartbeatTimeout());
    found.action.deadline =
        next.isBefore(found.action.globalDeadline) ? next : found.action.globalDeadline;
    heartbeats.add(new Heartbeat(found.action.hook.name(), found.instance.id, now));
    return ok("RecordLifecycleActionHeartbeat", "");
  }

  private record Lookup(Instance instance, Action action, Reply error) {}

  /** The waiting action a Complete/Heartbeat call names, or the error AWS answers. */
  private Lookup lookup(Request r) {
    String group = r.param("AutoScalingGroupName");
    String hook = r.param("LifecycleHookName");
    String token = r.param("LifecycleActionToken");
    String instanceId = r.param("InstanceId");
    if (group == null || hook == null) {
      return new Lookup(
          null,
          null,
          validation(
              "1 validation error detected: Value null at '"
                  + (group == null ? "autoScalingGroupName" : "lifecycleHookName")
                  + "' failed to satisfy constraint: Member must not be null"));
    }
    if (token == null && instanceId == null) {
      return new Lookup(
          null, null, validation("Either LifecycleActionToken or InstanceId must be specified"));
    }
    String noActive =
        "No active Lifecycle Action found with "
            + (token != null ? "token " + token : "instance ID " + instanceId);
    instances.values().forEach(this::settle);
    for (Instance i : instances.values()) {
      if (!i.group.equals(group) || (instanceId != null && !i.id.equals(instanceId))) {
        continue;
      }
      for (Action a : i.actions) {
        if (a.result == null
            && a.hook.name().equals(hook)
            && (token == null || a.token.equals(token))
            && !clock.instant().isBefore(i.transitionStarted.plus(acceptsAfter))) {
          return new Lookup(i, a, null);
        }
      }
    }
    return new Lookup(null, null, validation(noActive));
  }

  private synchronized Reply describe(Request r) {
    if (denied) {
      return denied("DescribeAutoScalingInstances");
    }
    List<String> ids = r.indexed("InstanceIds.member.");
    StringBuilder b = new StringBuilder("    <AutoScalingInstances>\n");
    for (Instance i : instances.values()) {
      if (!ids.isEmpty() && !ids.contains(i.id)) {
        continue;
      }
      settle(i);
      if (i.state.equals("Terminated")) {
        continue; // a terminated instance leaves the group's listing
      }
      b.append("      <member>\n        <InstanceId>")
          .append(FakeAwsQueryServer.xml(i.id))
          .append("</InstanceId>\n        <InstanceType>t3.micro</InstanceType>\n")
          .append("        <AutoScalingGroupName>")
          .append(FakeAwsQueryServer.xml(i.group))
          .append(
              "</AutoScalingGroupName>\n        <AvailabilityZone>eu-west-1a</AvailabilityZone>\n")
          .append("        <LifecycleState>")
          .append(FakeAwsQueryServer.xml(shownState(i)))
          .append("</LifecycleState>\n        <HealthStatus>HEALTHY</HealthStatus>\n")
          .append(
              "        <LaunchTemplate><LaunchTemplateId>lt-0123456789abcdef0</LaunchTemplateId>")
          .append(
              "<LaunchTemplateName>muster</LaunchTemplateName><Version>1</Version></LaunchTemplate>\n")
          .append("        <ProtectedFromScaleIn>false</ProtectedFromScaleIn>\n      </member>\n");
    }
    b.append("    </AutoScalingInstances>\n");
    return ok("DescribeAutoScalingInstances", b.toString());
  }

  /**
   * Also answers {@code DescribeAutoScalingGroups} (names filter, one page: each group with its
   * instances' lifecycle states as {@link #state} shows them) and {@code DescribeLifecycleHooks},
   * what the fleet controller's reconcile reads. Opt-in: {@link FakeAutoScaling} answers the first
   * on a server of its own.
   */
  public synchronized FakeAutoScalingLifecycle describesGroups() {
    server.on(Service.AUTO_SCALING, "DescribeAutoScalingGroups", this::describeGroups);
    server.on(Service.AUTO_SCALING, "DescribeLifecycleHooks", this::describeHooks);
    return this;
  }

  private synchronized Reply describeGroups(Request r) {
    if (denied) {
      return denied("DescribeAutoScalingGroups");
    }
    List<String> names = r.indexed("AutoScalingGroupNames.member.");
    java.util.Set<String> groups = new java.util.TreeSet<>();
    hooks.forEach(h -> groups.add(h.group()));
    instances.values().forEach(i -> groups.add(i.group));
    StringBuilder b = new StringBuilder("    <AutoScalingGroups>\n");
    for (String g : groups) {
      if (!names.isEmpty() && !names.contains(g)) {
        continue;
      }
      b.append("      <member>\n        <AutoScalingGroupName>")
          .append(FakeAwsQueryServer.xml(g))
          .append("</AutoScalingGroupName>\n        <MinSize>0</MinSize><MaxSize>10</MaxSize>")
          .append("<DesiredCapacity>1</DesiredCapacity>\n        <Instances>\n");
      for (Instance i : instances.values()) {
        settle(i);
        if (!i.group.equals(g) || i.state.equals("Terminated")) {
          continue;
        }
        b.append("          <member><InstanceId>")
            .append(FakeAwsQueryServer.xml(i.id))
            .append("</InstanceId><AvailabilityZone>eu-west-1a</AvailabilityZone>")
            .append("<LifecycleState>")
            .append(FakeAwsQueryServer.xml(shownState(i)))
            .append("</LifecycleState><HealthStatus>Healthy</HealthStatus></member>\n");
      }
      b.append("        </Instances>\n      </member>\n");
    }
    b.append("    </AutoScalingGroups>\n");
    return ok("DescribeAutoScalingGroups", b.toString());
  }

  private synchronized Reply describeHooks(Request r) {
    if (denied) {
      return denied("DescribeLifecycleHooks");
    }
    String group = r.param("AutoScalingGroupName");
    StringBuilder b = new StringBuilder("    <LifecycleHooks>\n");
    for (Hook h : hooks) {
      if (!h.group().equals(group)) {
        continue;
      }
      b.append("      <member><LifecycleHookName>")
          .append(FakeAwsQueryServer.xml(h.name()))
          .append("</LifecycleHookName><AutoScalingGroupName>")
          .append(FakeAwsQueryServer.xml(h.group()))
          .append("</AutoScalingGroupName><LifecycleTransition>")
          .append(h.transition())
          .append("</LifecycleTransition><HeartbeatTimeout>")
          .append(h.heartbeatTimeout().toSeconds())
          .append("</HeartbeatTimeout><DefaultResult>")
          .append(h.defaultResult())
          .append("</DefaultResult></member>\n");
    }
    b.append("    </LifecycleHooks>\n");
    return ok("DescribeLifecycleHooks", b.toString());
  }

  private Reply ok(String action, String result) {
    String ns = Service.AUTO_SCALING.namespace;
    String body =
        "<?xml version=\"1.0\"?>\n<"
            + action
            + "Response xmlns=\""
            + ns
            + "\">\n  <"
            + action
            + "Result>\n"
            + result
            + "  </"
            + action
            + "Result>\n  <ResponseMetadata><RequestId>"
            + server.requestId()
            + "</RequestId></ResponseMetadata>\n</"
            + action
            + "Response>\n";
    return new Reply(200, body);
  }

  private Reply validation(String message) {
    return server.queryError(Service.AUTO_SCALING, 400, "Sender", "ValidationError", message);
  }

  private Reply denied(String action) {
    return server.queryError(
        Service.AUTO_SCALING,
        403,
        "Sender",
        "AccessDenied",
        "User: arn:aws:sts::123456789012:assumed-role/muster-node/i-0aaaaaaaaaaaaaaa0 is not"
            + " authorized to perform: autoscaling:"
            + action
            + " because no identity-based policy allows the autoscaling:"
            + action
            + " action");
  }

  /** The hooks configured so far. */
  public synchronized List<Hook> hooks() {
    return List.copyOf(hooks);
  }

  /** The instance's waiting action's deadline (heartbeat timeout), for assertions. */
  public synchronized Optional<Instant> deadline(String instanceId, String hook) {
    return instance(instanceId).actions.stream()
        .filter(a -> a.hook.name().equals(hook) && a.result == null)
        .map(a -> a.deadline)
        .findFirst();
  }
}
