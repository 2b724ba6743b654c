package io.muster.lifecycle.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.lifecycle.LifecycleTransition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  static final List<GroupLifecycle.Hook> HOOKS =
      List.of(
          new GroupLifecycle.Hook("launch-hook", LifecycleTransition.LAUNCHING, "role=minion"),
          new GroupLifecycle.Hook("drain-hook", LifecycleTransition.TERMINATING, ""),
          new GroupLifecycle.Hook("audit-hook", LifecycleTransition.TERMINATING, "audit"));

  @Test
  void everyInstanceInAWaitStateYieldsOneTokenlessActionPerHookOfItsTransition() {
    Map<String, String> states = new LinkedHashMap<>();
    states.put("i-3", "Terminating:Wait");
    states.put("i-1", "Pending:Wait");
    states.put("i-2", "InService");
    states.put("i-4", "Pending");
    states.put("i-5", "Terminating:Proceed");
    states.put("i-6", "Warmed:Pending:Wait");
    List<Notification.Action> found = Reconciler.waiting("salt-minions", states, HOOKS);
    assertThat(found)
        .extracting(a -> a.action().instanceId() + " " + a.action().hookName())
        .containsExactly("i-1 launch-hook", "i-3 drain-hook", "i-3 audit-hook", "i-6 launch-hook");
    assertThat(found)
        .allSatisfy(
            a -> {
              assertThat(a.action().token()).isEmpty();
              assertThat(a.shape()).isEqualTo(Notification.Shape.RECONCILE);
              assertThat(a.action().groupName()).isEqualTo("salt-minions");
            });
    assertThat(found.get(0).metadata()).isEqualTo("role=minion");
    assertThat(found.get(3).details()).containsEntry("Destination", "WarmPool");
  }

  @Test
  void waitStatesMapToTheirTransitionAndNothingElseDoes() {
    assertThat(Reconciler.waitingFor("Pending:Wait")).contains(LifecycleTransition.LAUNCHING);
    assertThat(Reconciler.waitingFor("Warmed:Terminating:Wait"))
        .contains(LifecycleTransition.TERMINATING);
    for (String other :
        List.of("InService", "Pending", "Pending:Proceed", "Terminating", "Warmed:Stopped", "")) {
      assertThat(Reconciler.waitingFor(other)).as(other).isEmpty();
    }
  }

  @Test
  void aGroupWithoutHooksOrWaitingInstancesYieldsNothing() {
    assertThat(Reconciler.waiting("g", Map.of("i-1", "Pending:Wait"), List.of())).isEmpty();
    assertThat(Reconciler.waiting("g", Map.of("i-1", "InService"), HOOKS)).isEmpty();
  }
}
