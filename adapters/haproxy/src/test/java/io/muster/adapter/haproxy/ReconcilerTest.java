package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.net.IpLiteral;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  private static DesiredServer want(String name, String addr, int port) {
    return new DesiredServer(name, IpLiteral.parse(addr), port);
  }

  private static RunningServer run(String name, String addr, int port) {
    return new RunningServer(name, addr, port, 0, 2);
  }

  @Test
  void equalSetsNeedNothing() {
    assertThat(
            Reconciler.plan(
                List.of(want("a", "10.0.0.1", 80), want("b", "10.0.0.2", 80)),
                List.of(run("b", "10.0.0.2", 80), run("a", "10.0.0.1", 80))))
        .isEmpty();
  }

  @Test
  void anEmptyBackendGetsEveryMember() {
    assertThat(
            Reconciler.plan(
                List.of(want("b", "10.0.0.2", 80), want("a", "10.0.0.1", 80)), List.of()))
        .containsExactly(
            new Action.Add(want("a", "10.0.0.1", 80)), new Action.Add(want("b", "10.0.0.2", 80)));
  }

  @Test
  void anEmptyMembershipEmptiesTheBackend() {
    assertThat(
            Reconciler.plan(List.of(), List.of(run("b", "10.0.0.2", 80), run("a", "10.0.0.1", 80))))
        .containsExactly(new Action.Remove("a"), new Action.Remove("b"));
  }

  @Test
  void aReplacementAddsBeforeItRemoves() {
    assertThat(
            Reconciler.plan(
                List.of(want("a", "10.0.0.1", 80), want("c", "10.0.0.3", 80)),
                List.of(run("a", "10.0.0.1", 80), run("b", "10.0.0.2", 80))))
        .containsExactly(new Action.Add(want("c", "10.0.0.3", 80)), new Action.Remove("b"));
  }

  @Test
  void aNewPortOrAddressMovesTheServer() {
    assertThat(
            Reconciler.plan(
                List.of(want("a", "10.0.0.1", 81), want("b", "10.0.0.9", 80)),
                List.of(run("a", "10.0.0.1", 80), run("b", "10.0.0.2", 80))))
        .containsExactly(
            new Action.SetAddress(want("a", "10.0.0.1", 81), true),
            new Action.SetAddress(want("b", "10.0.0.9", 80), true));
  }

  @Test
  void aLoneServerMovesInPlace() {
    assertThat(
            Reconciler.plan(List.of(want("a", "10.0.0.1", 81)), List.of(run("a", "10.0.0.1", 80))))
        .containsExactly(new Action.SetAddress(want("a", "10.0.0.1", 81), false));
  }

  @Test
  void aServerMovesInPlaceWhenTheOthersAreDownOrOut() {
    assertThat(
            Reconciler.plan(
                List.of(
                    want("a", "10.0.0.1", 81),
                    want("b", "10.0.0.2", 80),
                    want("c", "10.0.0.3", 80)),
                List.of(
                    run("a", "10.0.0.1", 80),
                    new RunningServer("b", "10.0.0.2", 80, 0, RunningServer.STOPPED),
                    new RunningServer("c", "10.0.0.3", 80, RunningServer.FORCED_DRAIN, 2))))
        .startsWith(new Action.SetAddress(want("a", "10.0.0.1", 81), false));
  }

  @Test
  void aServerAddedInTheSamePlanServesDuringAMove() {
    assertThat(
            Reconciler.plan(
                List.of(want("a", "10.0.0.1", 81), want("b", "10.0.0.2", 80)),
                List.of(run("a", "10.0.0.1", 80))))
        .containsExactly(
            new Action.Add(want("b", "10.0.0.2", 80)),
            new Action.SetAddress(want("a", "10.0.0.1", 81), true));
  }

  @Test
  void ipv6SpellingsAreTheSameAddress() {
    assertThat(
            Reconciler.plan(
                List.of(want("a", "fd00:0:0:0:0:0:0:1", 80)), List.of(run("a", "fd00::1", 80))))
        .isEmpty();
  }

  @Test
  void aHostNameFromHaproxyIsNeverEqualToAnAddress() {
    assertThat(
            Reconciler.plan(
                List.of(want("a", "10.0.0.1", 80)), List.of(run("a", "web.internal", 80))))
        .containsExactly(new Action.SetAddress(want("a", "10.0.0.1", 80), false));
  }

  @Test
  void membersLeftDrainedOrInMaintAreEnabledAfterAnyMove() {
    assertThat(
            Reconciler.plan(
                List.of(
                    want("a", "10.0.0.1", 80),
                    want("b", "10.0.0.2", 80),
                    want("c", "10.0.0.3", 80)),
                List.of(
                    new RunningServer("a", "10.0.0.1", 80, RunningServer.FORCED_MAINT, 0),
                    new RunningServer("b", "10.0.0.7", 80, RunningServer.FORCED_DRAIN, 2),
                    // Maintenance inherited from a tracked server (0x02) is not ours to clear.
                    new RunningServer("c", "10.0.0.3", 80, 0x02, 0))))
        .containsExactly(
            new Action.SetAddress(want("b", "10.0.0.2", 80), false),
            new Action.Ready("a"),
            new Action.Ready("b"));
  }

  /**
   * Random backends and memberships (fixed seed): applying the plan always yields exactly the
   * membership, every server in rotation; no step touches a server that was already right; and all
   * additions come before the first removal.
   */
  @Test
  void applyingAnyPlanYieldsTheMembershipTouchingOnlyWhatDiffers() {
    Random r = new Random(20261121);
    for (int round = 0; round < 5000; round++) {
      List<DesiredServer> desired = new ArrayList<>();
      List<RunningServer> running = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String name = "s" + i;
        if (r.nextInt(3) > 0) {
          desired.add(want(name, "10.0.0." + r.nextInt(3), 80 + r.nextInt(2)));
        }
        if (r.nextInt(3) > 0) {
          int admin = r.nextInt(4) == 0 ? (r.nextBoolean() ? 0x01 : 0x08) : 0;
          running.add(
              new RunningServer(name, "10.0.0." + r.nextInt(3), 80 + r.nextInt(2), admin, 2));
        }
      }
      java.util.Collections.shuffle(running, r);

      List<Action> plan = Reconciler.plan(desired, running);

      Map<String, RunningServer> state = new LinkedHashMap<>();
      running.forEach(s -> state.put(s.name(), s));
      for (Action a : plan) {
        RunningServer before = state.get(a.name());
        if (a instanceof Action.Add add) {
          assertThat(before).as("add of an existing server").isNull();
          state.put(
              a.name(),
              new RunningServer(a.name(), add.server().addressText(), add.server().port(), 0, 2));
        } else if (a instanceof Action.SetAddress move) {
          assertThat(before.sameEndpoint(move.server())).isFalse();
          state.put(
              a.name(),
              new RunningServer(
                  a.name(),
                  move.server().addressText(),
                  move.server().port(),
                  before.adminState(),
                  2));
        } else if (a instanceof Action.Ready) {
          assertThat(before.forcedOut()).isTrue();
          state.put(a.name(), new RunningServer(a.name(), before.address(), before.port(), 0, 2));
        } else {
          assertThat(before).isNotNull();
          state.remove(a.name());
        }
      }
      assertThat(state.keySet())
          .containsExactlyInAnyOrderElementsOf(desired.stream().map(DesiredServer::name).toList());
      for (DesiredServer d : desired) {
        assertThat(state.get(d.name()).sameEndpoint(d)).isTrue();
        assertThat(state.get(d.name()).forcedOut()).isFalse();
      }
      Map<String, List<String>> kinds = new LinkedHashMap<>();
      plan.forEach(
          a ->
              kinds
                  .computeIfAbsent(a.name(), n -> new ArrayList<>())
                  .add(a.getClass().getSimpleName()));
      assertThat(kinds.values())
          .allSatisfy(
              k ->
                  assertThat(k)
                      .isIn(
                          List.of("Add"),
                          List.of("SetAddress"),
                          List.of("Ready"),
                          List.of("SetAddress", "Ready"),
                          List.of("Remove")));
      for (RunningServer s : running) {
        boolean right =
            desired.stream().anyMatch(d -> d.name().equals(s.name()) && s.sameEndpoint(d))
                && !s.forcedOut();
        if (right) {
          assertThat(kinds).as("untouched: " + s).doesNotContainKey(s.name());
        }
      }
      int firstRemove = indexOf(plan, Action.Remove.class);
      int lastAdd = lastIndexOf(plan, Action.Add.class);
      if (firstRemove >= 0 && lastAdd >= 0) {
        assertThat(lastAdd).isLessThan(firstRemove);
      }
      assertThat(Reconciler.plan(desired, new ArrayList<>(state.values())))
          .as("idempotent")
          .isEmpty();
    }
  }

  private static int indexOf(List<Action> plan, Class<?> kind) {
    for (int i = 0; i < plan.size(); i++) {
      if (kind.isInstance(plan.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(List<Action> plan, Class<?> kind) {
    int last = -1;
    for (int i = 0; i < plan.size(); i++) {
      if (kind.isInstance(plan.get(i))) {
        last = i;
      }
    }
    return last;
  }
}
