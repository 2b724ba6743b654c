package io.muster.agent.fleet;

import io.muster.adapter.Adapter;
import io.muster.adapter.MemberRemover;
import io.muster.agent.NodeContext;
import io.muster.agent.Wiring;
import io.muster.agent.runtime.AgentRuntime;
import io.muster.agent.runtime.MonotonicClock;
import io.muster.aws.AwsClients;
import io.muster.aws.discovery.asg.SdkAsgApi;
import io.muster.aws.discovery.ec2.SdkEc2Api;
import io.muster.aws.lifecycle.AutoScalingGroupLifecycle;
import io.muster.aws.lifecycle.AutoScalingLifecycleActions;
import io.muster.aws.lifecycle.Ec2InstanceAddresses;
import io.muster.aws.sqs.SqsActionQueue;
import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.credentials.CredentialStore;
import io.muster.lifecycle.LifecycleActions;
import io.muster.lifecycle.fleet.ActionQueue;
import io.muster.lifecycle.fleet.ControllerSettings;
import io.muster.lifecycle.fleet.GroupLifecycle;
import io.muster.lifecycle.fleet.InstanceAddresses;
import io.muster.lifecycle.fleet.MessageHandler;
import io.muster.lifecycle.fleet.Reconciler;
import io.muster.plugin.PluginContext;
import io.muster.process.ProcessRunner;
import io.muster.time.Sleeper;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds {@code muster lifecycle}'s runtime: the fleet controller on SQS and Auto Scaling. */
public final class FleetControllers {
  private static final Logger LOG = LoggerFactory.getLogger("lifecycle.controller");
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  private FleetControllers() {}

  /** The parts of a controller, built from settings without contacting anything. */
  public record Parts(
      ControllerSettings settings,
      ActionQueue queue,
      CredentialStore store,
      LifecycleActions actions,
      Optional<MemberRemover> remover,
      InstanceAddresses addresses,
      Optional<GroupLifecycle> groups) {

    /** Without the EC2 address lookup and the reconcile. */
    public Parts(
        ControllerSettings settings,
        ActionQueue queue,
        CredentialStore store,
        LifecycleActions actions,
        Optional<MemberRemover> remover) {
      this(settings, queue, store, actions, remover, InstanceAddresses.NONE, Optional.empty());
    }
  }

  /** Builds the parts from a node context (production: SQS, Auto Scaling, the selected store). */
  public static Parts parts(NodeContext ctx) {
    ControllerSettings settings =
        ControllerSettings.from(
            ctx.settings(),
            ctx.settings()
                .optionalString(CoreKeys.NODE_HOSTNAME)
                .orElseGet(FleetControllers::host));
    Wiring w = new Wiring(ctx);
    CredentialStore store = w.store();
    if (!store.holdsLifecycleRecords()) {
      throw ConfigException.invalid(
          CoreKeys.STORE_PROVIDER,
          ctx.settings().optionalString(CoreKeys.STORE_PROVIDER).orElse(""),
          ctx.settings().source(CoreKeys.STORE_PROVIDER),
          "this store cannot hold the controller's per-action claims",
          "Use store.provider ssm or file");
    }
    Optional<MemberRemover> remover = Optional.empty();
    if (settings.removeMembers()) {
      Adapter adapter = w.adapter();
      if (adapter instanceof MemberRemover r) {
        remover = Optional.of(r);
      } else {
        LOG.info(
            "adapter {} cannot remove members: terminated instances are only deregistered from the"
                + " store",
            adapter.name());
      }
    }
    PluginContext plugins = ctx.plugins();
    ActionQueue queue =
        new SqsActionQueue(
            () -> AwsClients.of(plugins).sqs(), settings.queueUrl(), settings.deadLetterQueueUrl());
    LifecycleActions actions = new AutoScalingLifecycleActions(() -> AwsClients.of(plugins));
    InstanceAddresses addresses =
        settings.addressWait().isZero()
            ? InstanceAddresses.NONE
            : new Ec2InstanceAddresses(new SdkEc2Api(() -> AwsClients.of(plugins)));
    Optional<GroupLifecycle> groups =
        settings.reconciles()
            ? Optional.of(
                new AutoScalingGroupLifecycle(
                    new SdkAsgApi(() -> AwsClients.of(plugins)), () -> AwsClients.of(plugins)))
            : Optional.empty();
    return new Parts(settings, queue, store, actions, remover, addresses, groups);
  }

  /** The runtime of {@code parts}, on the given seams. */
  public static AgentRuntime runtime(
      Parts parts, ProcessRunner processes, Clock clock, Sleeper sleeper) {
    MessageHandler handler =
        new MessageHandler(
            parts.settings(),
            parts.queue(),
            parts.store(),
            parts.actions(),
            processes,
            parts.remover(),
            parts.addresses(),
            clock,
            sleeper,
            sleeper);
    return new AgentRuntime(
        List.of(
            new FleetControllerComponent(
                parts.queue(),
                handler,
                parts.settings(),
                clock,
                parts.groups().map(g -> new Reconciler(parts.settings().groups(), g, handler)))),
        MonotonicClock.start(),
        sleeper,
        FleetControllers::afterFailures);
  }

  /** The production runtime. */
  public static AgentRuntime assemble(NodeContext ctx) {
    PluginContext plugins = ctx.plugins();
    return runtime(parts(ctx), plugins.processes(), plugins.clock(), Sleeper.SYSTEM);
  }

  /** 1 s, 2 s, 4 s ... up to a minute, after n failed steps in a row. */
  static Duration afterFailures(int n) {
    Duration d = Duration.ofSeconds(1L << Math.min(n - 1, 6));
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  private static String host() {
    try {
      String h = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "-");
      return h.isEmpty() ? "controller" : h.substring(0, Math.min(63, h.length()));
    } catch (UnknownHostException e) {
      return "controller";
    }
  }
}
