package io.muster.credentials;

import java.util.List;
import java.util.Map;

/**
 * What one IAM policy statement must allow for a store: actions on one resource, optionally only
 * under a condition (operator -> condition key -> value, as in a policy's {@code Condition}).
 * Stores scope their grants to one cluster's records, so a role made for one cluster cannot read
 * another's join secrets.
 */
public record IamGrant(
    List<String> actions, String resource, Map<String, Map<String, String>> condition) {
  public IamGrant {
    actions = List.copyOf(actions);
    condition = Map.copyOf(condition);
  }

  public IamGrant(List<String> actions, String resource) {
    this(actions, resource, Map.of());
  }
}
