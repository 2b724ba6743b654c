package io.muster.agent.membership;

import io.muster.adapter.AdapterException;
import io.muster.adapter.MembershipFollower;
import io.muster.agent.logging.LogEvent;
import io.muster.agent.runtime.PeriodicComponent;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.StoreException;
import io.muster.discovery.Discovery;
import io.muster.discovery.DiscoveryException;
import io.muster.election.Election;
import io.muster.model.Peer;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link MembershipFollower} (HAProxy backends, an exec members-changed hook) equal to the
 * membership: every poll interval it works out the membership and tells the adapter when it differs
 * from what it told it last (and once at first).
 *
 * <p>A node that joins follows the registered members in view, and only while its join loop finds
 * it a member: before that, discovering here would be a second authoritative {@code discover()} per
 * pass beside the join flow's own paced listing, which at 1,000 nodes is what the flow's pacing
 * exists to prevent, and the adapter has no membership of this node to follow yet.
 */
public final class FollowerComponent implements PeriodicComponent {
  private static final Logger LOG = LoggerFactory.getLogger("agent");
  private final MembershipFollower follower;
  private final Discovery discovery;
  private final CredentialStore store; // null: a pure follower, which mirrors the discovered view
  private final BooleanSupplier member;
  private final Supplier<Duration> poll;
  private List<Peer> followed; // what the adapter was told last; null before the first time
  private Runnable synced = () -> {};

  private FollowerComponent(
      MembershipFollower follower,
      Discovery discovery,
      CredentialStore store,
      BooleanSupplier member,
      Supplier<Duration> poll) {
    this.follower = follower;
    this.discovery = discovery;
    this.store = store;
    this.member = member;
    this.poll = poll;
  }

  /**
   * A pure follower (HAProxy on a load balancer): joins nothing, mirrors the discovered group
   * itself.
   */
  public static FollowerComponent ofView(
      MembershipFollower follower, Discovery discovery, Supplier<Duration> poll) {
    return new FollowerComponent(follower, discovery, null, () -> true, poll);
  }

  /**
   * An adapter that also joins: mirrors the registered members in view, while {@code member} says
   * this node is one.
   */
  public static FollowerComponent ofRegisteredMembers(
      MembershipFollower follower,
      Discovery discovery,
      CredentialStore store,
      BooleanSupplier member,
      Supplier<Duration> poll) {
    return new FollowerComponent(follower, discovery, store, member, poll);
  }

  /** Also runs {@code r} after each time the adapter applied a membership (for /readyz). */
  public FollowerComponent onSynced(Runnable r) {
    this.synced = r;
    return this;
  }

  @Override
  public String name() {
    return "membership follower";
  }

  @Override
  public Duration step() {
    if (!member.getAsBoolean()) {
      return poll.get();
    }
    try {
      List<Peer> members = membership(discovery, store, store != null);
      if (!members.equals(followed)) {
        LOG.atInfo()
            .addKeyValue("event", LogEvent.MEMBERSHIP_CHANGED.kind())
            .addKeyValue("members", members.size())
            .log("membership changed; updating " + follower.name());
        follower.membersChanged(members);
        followed = members;
        synced.run();
      }
    } catch (AdapterException | RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("event", LogEvent.FOLLOW_ERROR.kind())
          .log("following membership failed: {}; will retry", e.getMessage());
    } catch (DiscoveryException | StoreException e) {
      LOG.atWarn()
          .addKeyValue("event", LogEvent.FOLLOW_ERROR.kind())
          .log("discovery failed: {}; will retry", e.getMessage());
    }
    return poll.get();
  }

  /**
   * The membership a follower mirrors: for a joining adapter the registered members in view; for a
   * pure follower (HAProxy on a load balancer) the discovered group itself. Ranked.
   */
  static List<Peer> membership(Discovery discovery, CredentialStore store, boolean joined)
      throws DiscoveryException, StoreException {
    List<Peer> view = Election.rank(discovery.discover());
    if (!joined) {
      return view;
    }
    return registeredMembersInView(view, store.members());
  }

  /**
   * The peers of {@code view} with a MEMBER record under the same address and, when discovery knows
   * it, the same instance id (an address reused by a new instance is not a member).
   */
  static List<Peer> registeredMembersInView(List<Peer> view, List<MemberRecord> records) {
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
