package io.muster.sim;

import io.muster.credentials.StoreException;
import io.muster.discovery.DiscoveryException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The AWS account as the fleet's API calls see it: latency, random server errors, and EC2-style
 * token buckets (one for EC2 describe actions, one for Auto Scaling describe actions); a call that
 * finds its bucket empty fails like RequestLimitExceeded. The credential store is counted here too:
 * its calls have their own latency and error rate, and cost the store's API requests against the
 * account's published quotas ({@link StoreQuota}: SSM's standard throughput by default).
 *
 * <p>A call's effect applies at the current event time; its latency is added to the calling node's
 * step cost, which delays that node's next step.
 */
final class SimApi {
  static final String ASG = "autoscaling:DescribeAutoScalingGroups";
  static final String EC2 = "ec2:DescribeInstances";

  private final SimulationSettings.Aws settings;
  private final VirtualClock clock;
  private final SplittableRandom random;
  private final TokenBucket ec2;
  private final TokenBucket asg;
  private final StoreQuota quota;
  private final Map<String, TokenBucket> storeBuckets = new java.util.HashMap<>();

  /** Requests per second of each quota bucket (and of each describe call), when recording. */
  private Map<String, java.util.List<Integer>> perSecond;

  private final Map<String, Long> calls = new TreeMap<>();
  private final Map<String, Long> throttled = new TreeMap<>();
  private final Map<String, Long> errors = new TreeMap<>();

  SimApi(SimulationSettings.Aws settings, VirtualClock clock, SplittableRandom random) {
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.ec2 = new TokenBucket(settings.ec2Bucket(), settings.ec2Refill());
    this.asg = new TokenBucket(settings.asgBucket(), settings.asgRefill());
    this.quota = settings.storeQuota();
    quota
        .buckets()
        .forEach(
            (name, rate) -> storeBuckets.put(name, new TokenBucket((int) Math.ceil(rate), rate)));
  }

  /** Records requests per second from now on, for {@link #perSecond()}. */
  void recordPerSecond() {
    perSecond = new TreeMap<>();
  }

  /** Requests per second by series (describe call or store quota bucket), when recording. */
  Map<String, java.util.List<Integer>> perSecond() {
    return perSecond == null ? Map.of() : perSecond;
  }

  private void count(String series, int requests) {
    if (perSecond == null) {
      return;
    }
    java.util.List<Integer> s = perSecond.computeIfAbsent(series, k -> new java.util.ArrayList<>());
    int second = (int) (clock.now() / 1000);
    while (s.size() <= second) {
      s.add(0);
    }
    s.set(second, s.get(second) + requests);
  }

  /** One AWS describe call by {@code n}; throws the way the SDK would surface a failure. */
  void describe(Node n, String op) throws DiscoveryException {
    calls.merge(op, 1L, Long::sum);
    n.stepCost += latency(settings.latencyMin().toMillis(), settings.latencyMax().toMillis());
    TokenBucket bucket = op.equals(ASG) ? asg : ec2;
    count(op, 1);
    if (!bucket.take(clock.now(), 1)) {
      throttled.merge(op, 1L, Long::sum);
      throw new DiscoveryException(
          op
              + ": RequestLimitExceeded (Request limit exceeded.); the account's API rate is shared"
              + " by the whole fleet");
    }
    if (settings.errorRate() > 0 && random.nextDouble() < settings.errorRate()) {
      errors.merge(op, 1L, Long::sum);
      throw new DiscoveryException(op + ": InternalError (We encountered an internal error.)");
    }
  }

  /** One credential store call by {@code n}. */
  void store(Node n, Op op) throws StoreException {
    store(n, op, 0);
  }

  /** Whether the modelled store is SSM (which reads a generation's entries by name). */
  boolean ssmStore() {
    return quota.store().equals("ssm");
  }

  /** The quota buckets and their rates per second, for the plot's quota lines. */
  Map<String, Double> quotaLines() {
    return quota.buckets();
  }

  /**
   * One credential store operation by {@code n} on a store holding {@code records} entries of the
   * kind it lists; it costs the store's API requests ({@link StoreQuota#requests}) and fails like
   * ThrottlingException when any of their quota buckets is empty.
   */
  void store(Node n, Op op, int records) throws StoreException {
    String name = op.label();
    calls.merge(name, 1L, Long::sum);
    n.stepCost +=
        latency(settings.storeLatencyMin().toMillis(), settings.storeLatencyMax().toMillis());
    for (StoreQuota.Request req : quota.requests(op, records)) {
      String bucketName = quota.bucket(req.api());
      if (bucketName == null) {
        continue;
      }
      count(bucketName, req.count());
      if (!take(storeBuckets.get(bucketName), req.count(), n)) {
        throttled.merge(name, 1L, Long::sum);
        throw new StoreException(
            name
                + ": "
                + req.api()
                + ": ThrottlingException (Rate exceeded); the account's store quota is shared by"
                + " the whole fleet");
      }
    }
    if (settings.storeErrorRate() > 0 && random.nextDouble() < settings.storeErrorRate()) {
      errors.merge(name, 1L, Long::sum);
      throw new StoreException(name + ": InternalServerError; will retry");
    }
  }

  /**
   * Takes {@code count} requests' tokens the way a paged call spends them: one page after another,
   * each a store latency later (the first page at once). Pages after the first add their latency to
   * the node's step.
   */
  private boolean take(TokenBucket bucket, int count, Node n) {
    long page = (settings.storeLatencyMin().toMillis() + settings.storeLatencyMax().toMillis()) / 2;
    for (int i = 0; i < count; i++) {
      if (!bucket.take(clock.now() + i * page, 1)) {
        return false;
      }
    }
    n.stepCost += (count - 1) * page;
    return true;
  }

  private long latency(long min, long max) {
    return max <= min ? min : min + random.nextLong(max - min + 1);
  }

  Map<String, Long> calls() {
    return new TreeMap<>(calls);
  }

  Map<String, Long> throttled() {
    return new TreeMap<>(throttled);
  }

  Map<String, Long> errors() {
    return new TreeMap<>(errors);
  }

  /** EC2's request token bucket: a burst of {@code size}, refilled at {@code perSecond}. */
  static final class TokenBucket {
    private final double size;
    private final double perMilli;
    private double tokens;
    private long at;

    TokenBucket(int size, double perSecond) {
      this.size = size;
      this.perMilli = perSecond / 1000.0;
      this.tokens = size;
    }

    /**
     * Takes {@code count} tokens if there are; a cost above the bucket's size is taken from a full
     * bucket (and leaves it in debt), so it can succeed at all.
     */
    boolean take(long now, int count) {
      if (now > at) {
        tokens = Math.min(size, tokens + (now - at) * perMilli);
        at = now;
      }
      double cost = Math.min(count, size);
      if (tokens >= cost) {
        tokens -= count;
        return true;
      }
      return false;
    }
  }
}
