package io.muster.election;

import io.muster.config.Durations;
import io.muster.model.Peer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The seed election and join decision: a pure function of a {@link Snapshot}. The seed of a view is
 * its lowest address in {@link AddressOrder}. Safety does not rest on this function alone: a Form
 * decision is only acted on after an atomic create-if-absent claim in the store.
 */
public final class Election {
  private static final Comparator<Peer> BY_ADDRESS =
      Comparator.comparing(Peer::address, AddressOrder.INSTANCE);

  private Election() {}

  /** The view sorted by address, duplicates (same address) removed. */
  public static List<Peer> rank(List<Peer> view) {
    List<Peer> sorted = new ArrayList<>(view);
    sorted.sort(BY_ADDRESS);
    List<Peer> out = new ArrayList<>();
    for (Peer p : sorted) {
      if (out.isEmpty() || !out.get(out.size() - 1).address().equals(p.address())) {
        out.add(p);
      }
    }
    return out;
  }

  /** The seed (lowest address) of a view; the view must not be empty. */
  public static Peer seed(List<Peer> view) {
    return view.stream()
        .min(BY_ADDRESS)
        .orElseThrow(() -> new IllegalArgumentException("empty view has no seed"));
  }

  public static Decision decide(Snapshot s) {
    List<Peer> ranked = rank(s.view());
    Peer self = s.self();
    boolean selfInView = ranked.stream().anyMatch(p -> p.address().equals(self.address()));
    if (!selfInView) {
      return new Decision.Wait(
          "this node ("
              + self.addressText()
              + ") is not in its own view of "
              + ranked.size()
              + " peer(s) "
              + addresses(ranked, 5)
              + ": discovery does not return this node; check the discovery filters (tags, group,"
              + " DNS name) or node.address");
    }
    ClusterState c = s.cluster();
    if (!c.liveMembers().isEmpty()) {
      List<Peer> members = rank(c.liveMembers());
      return new Decision.Join(
          members,
          "cluster generation "
              + c.generation()
              + " has "
              + members.size()
              + " live member(s) "
              + addresses(members, 5)
              + "; joining through "
              + members.get(0).addressText());
    }
    if (c.formed()) {
      if (self.instanceId() != null && self.instanceId().equals(c.ownerInstanceId())) {
        return new Decision.Form(
            c.generation(),
            "this node claimed generation " + c.generation() + " earlier; resuming formation");
      }
      if (c.selfWasMember()) {
        return new Decision.Wait(
            "this node was a member of generation "
                + c.generation()
                + " and no other member is visible; a former member never forms a new cluster on"
                + " its own");
      }
      if (c.joinersInView() > 0) {
        return new Decision.Wait(
            "generation "
                + c.generation()
                + " has no registered live member, but "
                + c.joinersInView()
                + " node(s) in the view are joining it; waiting for them");
      }
      if (c.ownerInView()) {
        return new Decision.Wait(
            "generation "
                + c.generation()
                + " was claimed by "
                + c.ownerInstanceId()
                + ", which is still in the view; waiting for it to finish forming");
      }
      if (c.orphanedFor().compareTo(s.settings().replaceAfter()) < 0) {
        return new Decision.Wait(
            "generation "
                + c.generation()
                + " (founder "
                + c.ownerInstanceId()
                + ") has shown no live node in this view for "
                + Durations.format(c.orphanedFor())
                + "; it is replaced only after "
                + Durations.format(s.settings().replaceAfter())
                + " (election.replace-after), in case the view is lagging");
      }
    }
    long generation = c.formed() ? c.generation() + 1 : 1;
    String prefix =
        c.formed()
            ? "generation " + c.generation() + " has no live member and its founder is gone; "
            : !c.known() ? "store not consulted; " : "no cluster formed yet; ";
    if (ranked.size() < s.settings().minPeers()) {
      return new Decision.Wait(
          prefix
              + "view has "
              + ranked.size()
              + " of the "
              + s.settings().minPeers()
              + " peers election.min-peers requires");
    }
    if (s.viewUnchangedFor().compareTo(s.settings().stableFor()) < 0) {
      return new Decision.Wait(
          prefix
              + "view of "
              + ranked.size()
              + " unchanged for "
              + Durations.format(s.viewUnchangedFor())
              + ", stable after "
              + Durations.format(s.settings().stableFor()));
    }
    Peer seed = ranked.get(0);
    if (seed.address().equals(self.address())) {
      return new Decision.Form(
          generation,
          prefix
              + "this node is the seed (lowest address) of a stable view of "
              + ranked.size()
              + "; forming generation "
              + generation);
    }
    return new Decision.Wait(
        prefix
            + "seed is "
            + seed.addressText()
            + " (lowest address of a stable view of "
            + ranked.size()
            + "); waiting for it to form");
  }

  private static String addresses(List<Peer> peers, int max) {
    String shown =
        peers.stream().limit(max).map(Peer::addressText).collect(Collectors.joining(", "));
    return "["
        + shown
        + (peers.size() > max ? ", ... " + (peers.size() - max) + " more" : "")
        + "]";
  }
}
