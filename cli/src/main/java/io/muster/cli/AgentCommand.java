package io.muster.cli;

import io.muster.adapter.Adapter;
import io.muster.adapter.AdapterException;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.MembershipFollower;
import io.muster.agent.AgentKeys;
import io.muster.agent.NodeContext;
import io.muster.agent.Wiring;
import io.muster.bootstrap.Backoff;
import io.muster.bootstrap.JoinFlow;
import io.muster.bootstrap.NodeState;
import io.muster.bootstrap.StepResult;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.discovery.Discovery;
import io.muster.election.Election;
import io.muster.model.Peer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * {@code muster agent}: the systemd service. Joins (retrying without a deadline), then keeps
 * following: rediscover every interval (jittered), re-join if this node dropped out, tell following
 * adapters about membership changes, and on SIGTERM leave when agent.leave-on-shutdown is set.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description =
        "Run as a service: join, then follow membership; leave on SIGTERM if agent.leave-on-shutdown.")
final class AgentCommand extends ConfiguredCommand {
  private static final Logger LOG = LoggerFactory.getLogger("agent");

  @Override
  int run(NodeContext ctx) throws Exception {
    Wiring w = new Wiring(ctx);
    Adapter adapter = w.adapter();
    Discovery discovery = w.discovery();
    boolean leaveOnShutdown = ctx.settings().bool(AgentKeys.LEAVE_ON_SHUTDOWN);
    Duration checkInterval = ctx.settings().duration(AgentKeys.CHECK_INTERVAL);
    Backoff backoff =
        new Backoff(w.bootstrap().interval(), w.bootstrap().backoffCap(), new SecureRandom());
    Thread main = Thread.currentThread();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  main.interrupt();
                  try {
                    stopped.await(60, TimeUnit.SECONDS);
                  } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                  }
                },
                "muster-shutdown"));

    CredentialStore store = adapter instanceof ClusterAdapter ? w.store() : null;
    NodeState state = w.state();
    JoinFlow flow = adapter instanceof ClusterAdapter c ? w.flow(discovery, store, c, state) : null;
    List<Peer> followed = null;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Duration wait = backoff.poll();
        if (flow != null) {
          StepResult r = flow.step();
          if (r instanceof StepResult.Failed f) {
            LOG.error("{}; retrying later", f.message());
          } else if (r instanceof StepResult.Done d && d.changed()) {
            LOG.info(d.message());
          }
          wait = nextWait(r, adapter instanceof MembershipFollower, wait, checkInterval, w);
        }
        if (adapter instanceof MembershipFollower follower) {
          try {
            List<Peer> members = membership(discovery, store, flow != null);
            if (!members.equals(followed)) {
              LOG.atInfo()
                  .addKeyValue("members", members.size())
                  .log("membership changed; updating " + adapter.name());
              follower.membersChanged(members);
              followed = members;
            }
          } catch (AdapterException | RuntimeException e) {
            LOG.warn("following membership failed: {}; will retry", e.getMessage());
          } catch (Exception e) {
            LOG.warn("discovery failed: {}; will retry", e.getMessage());
          }
        }
        Thread.sleep(wait.toMillis());
      }
    } catch (InterruptedException e) {
      LOG.info("stopping");
    } finally {
      try {
        if (leaveOnShutdown
            && adapter instanceof ClusterAdapter c
            && state.membership().isPresent()) {
          LOG.info("leaving the cluster (agent.leave-on-shutdown)");
          c.leave(false);
          store.deregisterMember(ctx.identity().instanceId());
          state.clearMembership();
        }
      } catch (Exception e) {
        LOG.error("leave on shutdown failed: {}", e.getMessage());
      } finally {
        stopped.countDown();
      }
    }
    return Main.OK;
  }

  private static Duration nextWait(
      StepResult r, boolean follower, Duration poll, Duration checkInterval, Wiring w) {
    return nextWait(r, follower, poll, checkInterval, w.bootstrap().backoffCap());
  }

  /**
   * How long the agent sleeps after a step: what a waiting flow asked for; the backoff cap after a
   * failure; and for a member, {@code agent.check-interval}, unless this node also follows
   * membership (HAProxy), which must see changes within an interval.
   */
  static Duration nextWait(
      StepResult r, boolean follower, Duration poll, Duration checkInterval, Duration cap) {
    if (r instanceof StepResult.Retry retry) {
      return retry.after();
    }
    if (r instanceof StepResult.Failed) {
      return cap;
    }
    if (follower || checkInterval.compareTo(poll) <= 0) {
      return poll;
    }
    return checkInterval;
  }

  /**
   * The membership a follower mirrors: for a joining adapter the registered members in view; for a
   * pure follower (HAProxy on a load balancer) the discovered group itself.
   */
  static List<Peer> membership(Discovery discovery, CredentialStore store, boolean joined)
      throws Exception {
    List<Peer> view = Election.rank(discovery.discover());
    if (!joined) {
      return view;
    }
    List<MemberRecord> records = store.members();
    return view.stream()
        .filter(
            p ->
                records.stream()
                    .anyMatch(
                        r ->
                            r.status() == MemberRecord.Status.MEMBER
                                && r.address().equals(p.addressText())
                                && (p.instanceId() == null
                                    || p.instanceId().equals(r.instanceId()))))
        .toList();
  }
}
