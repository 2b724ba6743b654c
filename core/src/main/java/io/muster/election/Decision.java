package io.muster.election;

import io.muster.model.Peer;
import java.util.List;

/** What this node should do now, and why (always in words an operator can act on). */
public sealed interface Decision {
  String reason();

  /** Short machine name: wait, form, join. */
  String kind();

  /** Not yet: discover again later. */
  record Wait(String reason) implements Decision {
    @Override
    public String kind() {
      return "wait";
    }
  }

  /** Claim generation {@code generation} of the cluster and form it. */
  record Form(long generation, String reason) implements Decision {
    @Override
    public String kind() {
      return "form";
    }
  }

  /** Join through one of {@code candidates} (live members, best first). */
  record Join(List<Peer> candidates, String reason) implements Decision {
    public Join {
      candidates = List.copyOf(candidates);
    }

    @Override
    public String kind() {
      return "join";
    }
  }
}
