package io.muster.credentials;

import io.muster.process.SecretMask;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * A secret value. Its {@code toString()} never shows it; use {@link #reveal()} where it is needed.
 * Every secret is known to {@link SecretMask}, so no command's output can put it in a log line.
 */
public final class Secret {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
    // Whatever made or read it, command output that repeats it is masked from now on.
    SecretMask.remember(value);
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /**
   * A new random secret from a CSPRNG: {@code bytes} random bytes, URL-safe base64 without padding
   * and with only letters and digits (so it is a valid Erlang cookie atom).
   */
  public static Secret random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    String s =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(b)
            .replace('-', 'A')
            .replace('_', 'B');
    return new Secret(s);
  }

  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other
        && java.security.MessageDigest.isEqual(
            value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            other.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "<redacted>";
  }
}
