package io.muster.testing;

/**
 * Sets dummy AWS credentials as the system properties the SDK's default chain reads first ({@code
 * aws.accessKeyId}, {@code aws.secretAccessKey}), and puts back whatever was there on close. Use
 * with a loopback fake endpoint only.
 */
public final class DummyAwsCredentials implements AutoCloseable {
  private static final String KEY = "aws.accessKeyId";
  private static final String SECRET = "aws.secretAccessKey";

  private final String oldKey;
  private final String oldSecret;

  private DummyAwsCredentials() {
    oldKey = System.getProperty(KEY);
    oldSecret = System.getProperty(SECRET);
    System.setProperty(KEY, "AKIAIOSFODNN7EXAMPLE");
    System.setProperty(SECRET, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  }

  public static DummyAwsCredentials install() {
    return new DummyAwsCredentials();
  }

  @Override
  public void close() {
    restore(KEY, oldKey);
    restore(SECRET, oldSecret);
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }
}
