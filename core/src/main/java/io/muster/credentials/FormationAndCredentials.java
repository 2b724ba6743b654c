package io.muster.credentials;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One generation's formation record and join secrets, read together ({@link
 * CredentialStore#formationAndCredentials}), with the fleet's size as published before a formation
 * ({@link CredentialStore#putFleetSize}): what a waiting node of a large fleet reads at its slot,
 * which both tells it the generation was formed and lets it join at once. {@code toString()} names
 * no secret ({@link Credentials#toString}).
 */
public record FormationAndCredentials(
    Optional<FormationRecord> formation, Optional<Credentials> credentials, OptionalInt fleetSize) {
  public FormationAndCredentials {
    java.util.Objects.requireNonNull(formation, "formation");
    java.util.Objects.requireNonNull(credentials, "credentials");
    java.util.Objects.requireNonNull(fleetSize, "fleetSize");
  }
}
