package io.muster.credentials;

import java.util.Optional;

/**
 * One member's registration and one generation's join secrets, read together ({@link
 * CredentialStore#memberAndCredentials}): what a joiner needs from the store before it joins
 * through the founder. {@code toString()} names no secret ({@link Credentials#toString}).
 */
public record MemberAndCredentials(
    Optional<MemberRecord> member, Optional<Credentials> credentials) {
  public MemberAndCredentials {
    java.util.Objects.requireNonNull(member, "member");
    java.util.Objects.requireNonNull(credentials, "credentials");
  }
}
